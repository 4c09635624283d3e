import ArgumentParser
import Foundation
import FlexGen

/// `flexgen trace`: a reproducible `flexgen-trace/1` (arrivals over time) from a scenario preset.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Generate a reproducible arrival trace (same arguments and --seed: byte-identical output).",
        discussion: """
            Arrivals form a Poisson process of the given rate (--rate), or of a piecewise-constant \
            profile (--rate-profile start:rate,… or 'peak' with --peak-rate: the base rate, the peak in \
            the middle third of the horizon, the base again), over [0, --horizon). Each request draws \
            its client fields (channel, deadline, uplink delay, image size, quality tier) from the same \
            scenario family as `flexgen generate --preset`; --compute-rate and --bandwidth override the \
            preset's server. With --load L the rate is L times the scenario's compute capacity (F over \
            the mean least work a request accepts; docs/online.md).
            """)

    @Option(help: "Scenario preset the clients and the server come from.") var preset = "paper-default"
    @Option(help: "Seed of the trace's random streams.") var seed: UInt64 = 1
    @Option(help: "Trace name (default: poisson-<rate>rps).") var name: String?
    @Option(help: "Arrival rate (requests/s).") var rate: Double?
    @Option(help: "Arrival rate as a multiple of the compute capacity (excludes --rate).") var load: Double?
    @Option(help: ArgumentHelp("Piecewise-constant rate: start:rate,… (starts in s, the first 0), or 'peak'.",
                               valueName: "profile"))
    var rateProfile: String?
    @Option(help: "Peak rate for --rate-profile peak (requests/s).") var peakRate: Double?
    @Option(help: "Horizon (s): arrivals fall in [0, horizon).") var horizon: Double = 60
    @Option(help: "Frame length (s): the server plans at every multiple of it.") var frame: Double = 1
    @Option(help: "Server compute rate F (FLOP/s).") var computeRate: Double?
    @Option(help: "Downlink band B (Hz).") var bandwidth: Double?
    @Option(help: "Least deadline (s).") var deadlineMin: Double?
    @Option(help: "Largest deadline (s).") var deadlineMax: Double?
    @Option(help: ArgumentHelp("Profile file; the output names it by a path relative to itself (with -o). "
                               + "Default: the built-in sd-like-512 law, embedded.", valueName: "file"))
    var profile: String?

    @OptionGroup var output: OutputOptions

    func settings() throws -> TraceSettings {
        guard let scenario = ScenarioSettings.preset(preset) else {
            throw ValidationError("--preset: unknown preset \"\(preset)\" (known: \(ScenarioSettings.presetNames.joined(separator: ", ")))")
        }
        var s = TraceSettings()
        s.scenario = scenario
        s.scenario.serviceTargetTightness = nil
        if let computeRate { s.scenario.server.computeRateFlopsPerS = computeRate }
        if let bandwidth { s.scenario.server.bandwidthHz = bandwidth }
        if let deadlineMin { s.scenario.deadlineMinS = deadlineMin }
        if let deadlineMax { s.scenario.deadlineMaxS = deadlineMax }
        s.horizonS = horizon
        s.frameS = frame
        let base: Double
        if let load {
            base = load * TraceGenerator.computeCapacityPerS(scenario: s.scenario, profile: try menu())
        } else {
            base = rate ?? 4
        }
        if let rateProfile {
            if rateProfile == "peak" {
                guard let peakRate else { throw ValidationError("--rate-profile peak needs --peak-rate") }
                s.rate = TraceSettings.peakProfile(base: base, peak: peakRate, horizonS: horizon)
            } else {
                s.rate = try rateProfile.split(separator: ",").map { item in
                    let parts = item.split(separator: ":")
                    guard parts.count == 2, let start = Double(parts[0]), let r = Double(parts[1]) else {
                        throw ValidationError("--rate-profile: expected start:rate, got \"\(item)\"")
                    }
                    return .init(startS: start, ratePerS: r)
                }
            }
        } else {
            s.rate = [.init(startS: 0, ratePerS: base)]
        }
        s.name = name ?? (rateProfile == nil ? "poisson-\(Self.short(base))rps" : "profile-\(Self.short(base))rps")
        return s
    }

    /// The profile the trace uses: --profile, or the built-in sd-like-512 law.
    func menu() throws -> Profile {
        if let profile { return try loadProfile(profile) }
        return ProfileLaw.sdLike512.profile(name: ProfileLaw.sdLike512Name, widths: ProfileLaw.defaultWidths,
                                            steps: ProfileLaw.defaultSteps)
    }

    static func short(_ x: Double) -> String { String(format: "%g", x) }

    func validate() throws {
        if rate != nil && load != nil { throw ValidationError("--rate and --load exclude each other") }
        if let load, !(load.isFinite && load >= 0) { throw ValidationError("--load: must be a finite number >= 0, got \(load)") }
        if let rate, !(rate.isFinite && rate >= 0) { throw ValidationError("--rate: must be a finite number >= 0, got \(rate)") }
        if peakRate != nil && rateProfile != "peak" { throw ValidationError("--peak-rate needs --rate-profile peak") }
        if let peakRate, !(peakRate.isFinite && peakRate >= 0) {
            throw ValidationError("--peak-rate: must be a finite number >= 0, got \(peakRate)")
        }
        for (flag, value) in [("--compute-rate", computeRate), ("--bandwidth", bandwidth)] {
            if let value, !(value.isFinite && value > 0) { throw ValidationError("\(flag): must be a finite number > 0, got \(value)") }
        }
        let s = try settings()
        if let issue = s.validationIssues().first { throw ValidationError("--\(issue.path): \(issue.reason)") }
    }

    func run() throws {
        var reference: String?
        if let profile, let out = output.output {
            reference = relativePath(of: profile, fromFolder: URL(fileURLWithPath: out).deletingLastPathComponent().path)
        }
        let trace = TraceGenerator.generate(settings: try settings(), profile: try menu(), profilePath: reference, seed: seed)
        try trace.validate()
        try output.emit(try TraceFile.encode(trace))
    }
}
