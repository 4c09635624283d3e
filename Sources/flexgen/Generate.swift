import ArgumentParser
import Foundation
import FlexGen

/// `flexgen generate`: a reproducible `flexgen-problem/1` instance from a preset and overrides.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a reproducible problem instance (same arguments and --seed: byte-identical output).",
        discussion: """
            Clients are uniform (by area) in an annulus around the server; channel gain is \
            -(128.1 + 37.6 log10(d/km)) dB minus log-normal shadowing; deadlines, uplink delays, \
            image sizes and quality tiers are drawn per client. Presets: \
            \(ScenarioSettings.presetNames.joined(separator: ", ")).
            """)

    @Option(help: "Scenario preset.") var preset = "paper-default"
    @Option(help: "Seed of the instance's random stream.") var seed: UInt64 = 1
    @Option(help: "Problem name (default: the preset's).") var name: String?
    @Option(help: "Number of clients.") var clients: Int?
    @Option(help: "Cell radius (m).") var cellRadius: Double?
    @Option(help: "Least client distance (m).") var minDistance: Double?
    @Option(help: "Log-normal shadowing standard deviation (dB).") var shadowingDb: Double?
    @Option(help: "Least deadline (s).") var deadlineMin: Double?
    @Option(help: "Largest deadline (s).") var deadlineMax: Double?
    @Option(help: "Least uplink/queueing delay (s).") var uplinkMin: Double?
    @Option(help: "Largest uplink/queueing delay (s).") var uplinkMax: Double?
    @Option(help: ArgumentHelp("Image sizes to draw from (bits), comma-separated.", valueName: "list"))
    var imageBits: String?
    @Option(help: ArgumentHelp("Quality tiers name:requirement:weight, comma-separated; requirement '-' for none.",
                               valueName: "list"))
    var tiers: String?
    @Option(help: ArgumentHelp("Add a mean-quality target over all clients, this fraction (0..1) of the way from "
                               + "the cheapest admissible mean to the best mean.", valueName: "tightness"))
    var serviceTarget: Double?
    @Flag(help: "Drop the preset's service target.") var noServiceTarget = false
    @Option(help: "Downlink band B (Hz).") var bandwidth: Double?
    @Option(help: "Noise PSD N0 (W/Hz).") var noisePsd: Double?
    @Option(help: "Transmit power cap P_max (W).") var maxTxPower: Double?
    @Option(help: "Server compute rate F (FLOP/s).") var computeRate: Double?
    @Option(help: "Energy per FLOP e0 (J/FLOP).") var energyPerFlop: Double?
    @Option(help: "DVFS coefficient kappa (J s^2/FLOP^3).") var dvfs: Double?
    @Option(help: "Per-job compute-rate cap f_max (FLOP/s): one job runs on one accelerator (preset default: 1e14).")
    var maxJobComputeRate: Double?
    @Flag(help: "No per-job compute-rate cap (any client may get the whole F).") var noMaxJobComputeRate = false
    @Option(help: ArgumentHelp("Profile file; the output names it by a path relative to itself (with -o). "
                               + "Default: the built-in sd-like-512 law, embedded.", valueName: "file"))
    var profile: String?
    @Flag(help: "Embed the profile even when --profile names a file.") var embedProfile = false

    @OptionGroup var output: OutputOptions

    func settings() throws -> ScenarioSettings {
        guard var s = ScenarioSettings.preset(preset) else {
            throw ValidationError("--preset: unknown preset \"\(preset)\" (known: \(ScenarioSettings.presetNames.joined(separator: ", ")))")
        }
        if let name { s.name = name }
        if let clients { s.clientCount = clients }
        if let cellRadius { s.cellRadiusM = cellRadius }
        if let minDistance { s.minDistanceM = minDistance }
        if let shadowingDb { s.shadowingSigmaDb = shadowingDb }
        if let deadlineMin { s.deadlineMinS = deadlineMin }
        if let deadlineMax { s.deadlineMaxS = deadlineMax }
        if let uplinkMin { s.uplinkMinS = uplinkMin }
        if let uplinkMax { s.uplinkMaxS = uplinkMax }
        if let imageBits { s.imageBitsChoices = try parseList(imageBits, option: "--image-bits") }
        if let tiers { s.qualityTiers = try parseTiers(tiers) }
        if let serviceTarget { s.serviceTargetTightness = serviceTarget }
        if noServiceTarget { s.serviceTargetTightness = nil }
        if let bandwidth { s.server.bandwidthHz = bandwidth }
        if let noisePsd { s.server.noisePsdWPerHz = noisePsd }
        if let maxTxPower { s.server.maxTxPowerW = maxTxPower }
        if let computeRate { s.server.computeRateFlopsPerS = computeRate }
        if let energyPerFlop { s.server.energyPerFlopJ = energyPerFlop }
        if let dvfs { s.server.dvfsCoefficient = dvfs }
        if let maxJobComputeRate { s.server.maxJobComputeRateFlopsPerS = maxJobComputeRate }
        if noMaxJobComputeRate { s.server.maxJobComputeRateFlopsPerS = nil }
        return s
    }

    func validate() throws {
        let s = try settings()
        if let issue = s.validationIssues().first { throw ValidationError("--\(issue.path): \(issue.reason)") }
        if let maxJobComputeRate, !(maxJobComputeRate.isFinite && maxJobComputeRate > 0) {
            throw ValidationError("--max-job-compute-rate: must be a finite number > 0, got \(maxJobComputeRate)")
        }
        if maxJobComputeRate != nil && noMaxJobComputeRate {
            throw ValidationError("--max-job-compute-rate and --no-max-job-compute-rate exclude each other")
        }
        if serviceTarget != nil && noServiceTarget {
            throw ValidationError("--service-target and --no-service-target exclude each other")
        }
    }

    func run() throws {
        let s = try settings()
        var profileValue = ProfileLaw.sdLike512.profile(name: ProfileLaw.sdLike512Name,
                                                        widths: ProfileLaw.defaultWidths, steps: ProfileLaw.defaultSteps)
        var reference: String?
        if let profile {
            profileValue = try loadProfile(profile)
            if let out = output.output, !embedProfile {
                reference = relativePath(of: profile, fromFolder: URL(fileURLWithPath: out).deletingLastPathComponent().path)
            }
        }
        let problem = ScenarioGenerator.generate(settings: s, profile: profileValue, profilePath: reference, seed: seed)
        try problem.validate()
        try output.emit(try ProblemFile.encode(problem))
    }

    private func parseTiers(_ text: String) throws -> [ScenarioSettings.QualityTier] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let weight = Double(parts[2]) else {
                throw ValidationError("--tiers: expected name:requirement:weight, got \"\(item)\"")
            }
            let requirement: Double?
            if parts[1] == "-" { requirement = nil } else {
                guard let r = Double(parts[1]), r.isFinite else {
                    throw ValidationError("--tiers: requirement of \"\(parts[0])\" must be a finite number or '-'")
                }
                requirement = r
            }
            return .init(name: parts[0], requirement: requirement, weight: weight)
        }
    }
}
