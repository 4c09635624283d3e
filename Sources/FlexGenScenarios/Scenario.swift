import Foundation
import FlexGenModel

/// Everything that defines a generated instance. Same settings + same seed ⇒ same problem.
/// Defaults are the `paper-default` preset; every default is documented in docs/model.md.
public struct ScenarioSettings: Sendable, Hashable {
    /// A quality tier: a requirement (in the profile's metric; nil: none) and its share of clients.
    public struct QualityTier: Sendable, Hashable {
        public var name: String
        public var requirement: Double?
        public var weight: Double
        public init(name: String, requirement: Double?, weight: Double) {
            self.name = name; self.requirement = requirement; self.weight = weight
        }
    }

    public var name: String = "paper-default"
    public var clientCount: Int = 20
    /// Clients are uniform (by area) in the annulus minDistanceM ≤ d ≤ cellRadiusM around the server.
    public var cellRadiusM: Double = 250
    /// Below ~35 m the 3GPP macro-cell law is not meant to be used.
    public var minDistanceM: Double = 35
    /// Log-normal shadowing standard deviation (dB).
    public var shadowingSigmaDb: Double = 8
    /// Deadline T_k uniform in [deadlineMinS, deadlineMaxS] (s).
    public var deadlineMinS: Double = 1.5
    public var deadlineMaxS: Double = 4
    /// Uplink/queueing delay u_k uniform in [uplinkMinS, uplinkMaxS] (s).
    public var uplinkMinS: Double = 0.02
    public var uplinkMaxS: Double = 0.2
    /// Image sizes D_k drawn uniformly from this list (bits): a 512×512 JPEG at ~1.5, 3 and 6 bit/pixel.
    public var imageBitsChoices: [Double] = [4e5, 8e5, 1.6e6]
    public var qualityTiers: [QualityTier] = [
        .init(name: "premium", requirement: 16, weight: 0.3),
        .init(name: "standard", requirement: 20, weight: 0.4),
        .init(name: "basic", requirement: 26, weight: 0.3),
    ]
    /// Mean-quality target over all clients, as a fraction of the way from the mean quality of
    /// every client's least-work admissible configuration (0) to the best mean the menu allows (1).
    /// nil: no service target.
    public var serviceTargetTightness: Double? = nil
    /// Ten A100-class accelerators, energy and per-job cap anchored on measured images (`EnergyAnchoring`).
    public var server = EnergyAnchoring.paperDefaultServer

    public init() {}

    /// The named presets `flexgen generate --preset` knows.
    public static let presetNames = ["paper-default", "tiny", "service-target", "large"]

    public static func preset(_ name: String) -> ScenarioSettings? {
        var s = ScenarioSettings()
        switch name {
        case "paper-default": break
        case "tiny":
            s.name = "tiny-3"
            s.clientCount = 3
            s.server.bandwidthHz = 5e6
            s.server.computeRateFlopsPerS = 2.5e14
        case "service-target":
            s.name = "service-target-20"
            s.serviceTargetTightness = 0.5
        case "large":
            s.name = "large-200"
            s.clientCount = 200
            s.cellRadiusM = 500
            s.server.bandwidthHz = 100e6
            s.server.computeRateFlopsPerS = 1.0e16
        default: return nil
        }
        return s
    }

    /// Problems with these settings, or an empty list when they can generate an instance.
    public func validationIssues() -> [InputIssue] {
        var issues: [InputIssue] = []
        func require(_ ok: Bool, _ path: String, _ reason: String) {
            if !ok { issues.append(InputIssue(path: path, reason: reason)) }
        }
        require(clientCount >= 1, "clients", "must be >= 1, got \(clientCount)")
        require(cellRadiusM.isFinite && minDistanceM.isFinite && minDistanceM > 0 && cellRadiusM >= minDistanceM,
                "cell-radius", "need 0 < min-distance (\(minDistanceM)) <= cell-radius (\(cellRadiusM))")
        require(shadowingSigmaDb.isFinite && shadowingSigmaDb >= 0, "shadowing-db", "must be >= 0, got \(shadowingSigmaDb)")
        require(deadlineMinS.isFinite && deadlineMaxS.isFinite && deadlineMinS > 0 && deadlineMaxS >= deadlineMinS,
                "deadline", "need 0 < min <= max, got [\(deadlineMinS), \(deadlineMaxS)]")
        require(uplinkMinS.isFinite && uplinkMaxS.isFinite && uplinkMinS >= 0 && uplinkMaxS >= uplinkMinS,
                "uplink", "need 0 <= min <= max, got [\(uplinkMinS), \(uplinkMaxS)]")
        require(uplinkMaxS < deadlineMinS, "uplink", "max uplink delay \(uplinkMaxS) must be < min deadline \(deadlineMinS)")
        require(!imageBitsChoices.isEmpty && imageBitsChoices.allSatisfy { $0.isFinite && $0 > 0 },
                "image-bits", "need a non-empty list of positive sizes")
        require(!qualityTiers.isEmpty && qualityTiers.allSatisfy { $0.weight.isFinite && $0.weight >= 0 }
                && qualityTiers.map(\.weight).reduce(0, +) > 0, "tiers", "need weights >= 0 with a positive sum")
        if let t = serviceTargetTightness {
            require(t.isFinite && t >= 0 && t <= 1, "service-target", "tightness must be in [0, 1], got \(t)")
        }
        return issues
    }
}

/// 3GPP-style macro-cell path loss 128.1 + 37.6 · log10(d / km) (dB), d in metres.
public func pathLossDb(distanceM: Double) -> Double {
    128.1 + 37.6 * log10(distanceM / 1000)
}

/// Generates instances from settings and a seed.
public enum ScenarioGenerator {
    /// The instance. Draw order is fixed (per client: distance, shadowing, deadline, uplink,
    /// image size, tier) so that adding a client appends draws without changing earlier ones.
    /// Numbers are rounded to 6 significant digits so the JSON is readable and round-trips exactly.
    public static func generate(settings: ScenarioSettings, profile: Profile, profilePath: String? = nil,
                                seed: UInt64) -> Problem {
        var rng = SeededGenerator(seed: seed)
        var clients: [Client] = []
        let idWidth = String(settings.clientCount).count
        for k in 0..<settings.clientCount {
            let number = String(k + 1)
            let id = "u" + String(repeating: "0", count: idWidth - number.count) + number
            clients.append(drawClient(id: id, settings: settings, rng: &rng))
        }
        var problem = Problem(name: settings.name, server: settings.server, profile: profile,
                              profilePath: profilePath, clients: clients)
        if let tightness = settings.serviceTargetTightness,
           let target = meanQualityTarget(problem: problem, tightness: tightness) {
            problem.serviceTargets = [ServiceTarget(clients: nil, meanQualityTarget: round6(target))]
        }
        return problem
    }

    /// One client drawn from the scenario family, in the fixed draw order (distance, shadowing,
    /// deadline, uplink, image size, tier); `generate` and the trace generator share it.
    public static func drawClient(id: String, settings: ScenarioSettings, rng: inout SeededGenerator) -> Client {
        let r0 = settings.minDistanceM, r1 = settings.cellRadiusM
        let distance = rng.uniform(r0 * r0, r1 * r1).squareRoot()
        let shadowing = settings.shadowingSigmaDb * rng.standardNormal()
        let gainDb = -(pathLossDb(distanceM: min(max(distance, r0), r1)) + shadowing)
        let deadline = rng.uniform(settings.deadlineMinS, settings.deadlineMaxS)
        let uplink = rng.uniform(settings.uplinkMinS, settings.uplinkMaxS)
        let bits = settings.imageBitsChoices[Int(rng.nextUniform() * Double(settings.imageBitsChoices.count))]
        let tier = settings.qualityTiers[rng.index(weights: settings.qualityTiers.map(\.weight))]
        return Client(id: id, deadlineS: round6(deadline), uplinkDelayS: round6(uplink),
                      channelGain: .decibels(round6(gainDb)), imageBits: bits, qualityRequirement: tier.requirement)
    }

    /// A mean-quality target over all clients `tightness` of the way from the mean of every
    /// client's least-work admissible configuration to the best mean the menu allows. With
    /// tightness > 0 the per-client requirements alone do not meet it (it binds).
    public static func meanQualityTarget(problem: Problem, tightness: Double) -> Double? {
        let metric = problem.profile.metric
        guard let best = problem.profile.configs.map(\.quality).min(by: { metric.isBetter($0, than: $1) }) else { return nil }
        var sum = 0.0
        for client in problem.clients {
            let admissible = problem.profile.configs.filter { c in
                client.qualityRequirement.map { metric.meets(c.quality, requirement: $0) } ?? true
            }
            guard let cheapest = admissible.min(by: { $0.flops < $1.flops }) else { return nil }
            sum += cheapest.quality
        }
        let cheapMean = sum / Double(problem.clients.count)
        return cheapMean + tightness * (best - cheapMean)
    }

    static func round6(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        return Double(String(format: "%.6g", x)) ?? x
    }
}
