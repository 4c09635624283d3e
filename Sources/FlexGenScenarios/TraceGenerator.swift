import Foundation
import FlexGenModel

/// What defines a generated trace (`flexgen trace`): the client family (`ScenarioSettings`: server,
/// channels, deadlines, uplink delays, image sizes, quality tiers), the arrival-rate profile over
/// the horizon and the frame length. Same settings + same seed ⇒ the same trace, byte for byte.
public struct TraceSettings: Sendable, Hashable {
    /// One piece of a piecewise-constant arrival rate: `ratePerS` from `startS` until the next
    /// piece starts (or the horizon ends).
    public struct RatePiece: Sendable, Hashable {
        public var startS: Double
        public var ratePerS: Double
        public init(startS: Double, ratePerS: Double) { self.startS = startS; self.ratePerS = ratePerS }
    }

    public var name: String = "poisson"
    /// The client family; `clientCount` and `serviceTargetTightness` are not used.
    public var scenario = ScenarioSettings()
    /// Arrival rate pieces, starting at 0, in increasing `startS`. Default: 4 requests/s throughout.
    public var rate: [RatePiece] = [RatePiece(startS: 0, ratePerS: 4)]
    /// Arrivals fall in [0, horizonS).
    public var horizonS: Double = 60
    public var frameS: Double = 1

    public init() {}

    /// A daily-peak profile squeezed into the horizon: `base` requests/s, `peak` in the middle
    /// third (the `--rate-profile peak` of `flexgen trace`).
    public static func peakProfile(base: Double, peak: Double, horizonS: Double) -> [RatePiece] {
        [RatePiece(startS: 0, ratePerS: base), RatePiece(startS: horizonS / 3, ratePerS: peak),
         RatePiece(startS: 2 * horizonS / 3, ratePerS: base)]
    }

    /// Problems with these settings (option names as `flexgen trace` spells them).
    public func validationIssues() -> [InputIssue] {
        var issues = scenario.validationIssues().filter { $0.path != "clients" }
        func require(_ ok: Bool, _ path: String, _ reason: String) {
            if !ok { issues.append(InputIssue(path: path, reason: reason)) }
        }
        require(horizonS.isFinite && horizonS > 0, "horizon", "must be a finite number > 0, got \(horizonS)")
        require(frameS.isFinite && frameS > 0, "frame", "must be a finite number > 0, got \(frameS)")
        require(!rate.isEmpty && rate[0].startS == 0, "rate-profile", "must start at 0")
        for (i, piece) in rate.enumerated() {
            require(piece.ratePerS.isFinite && piece.ratePerS >= 0, "rate", "must be a finite number >= 0, got \(piece.ratePerS)")
            if i > 0 { require(piece.startS > rate[i - 1].startS, "rate-profile", "piece starts must increase") }
        }
        return issues
    }
}

/// Seeded, deterministic arrivals: a Poisson process of the piecewise-constant rate (exponential
/// gaps; at a piece boundary the clock restarts at the boundary with the new rate, which is exact
/// for a Poisson process by memorylessness), each arrival a client of the scenario family
/// (`ScenarioGenerator.drawClient`). Arrival times are rounded to the microsecond (keeps the
/// JSON short and exactly round-trippable; rounding is monotone, so the order is kept).
///
/// Requests are produced lazily (`RequestStream`), so a long simulation need not hold its trace.
public enum TraceGenerator {
    public static func generate(settings: TraceSettings, profile: Profile, profilePath: String? = nil,
                                seed: UInt64) -> Trace {
        Trace(name: settings.name, server: settings.scenario.server, profile: profile, profilePath: profilePath,
              frameS: settings.frameS, requests: Array(RequestStream(settings: settings, seed: seed)))
    }

    /// The requests of `generate`, one at a time, in arrival order. Ids are `r1`, `r2`, ….
    public struct RequestStream: Sequence, IteratorProtocol, Sendable {
        let settings: TraceSettings
        var rng: SeededGenerator
        var clientRng: SeededGenerator
        var time = 0.0
        var piece = 0
        var count = 0

        public init(settings: TraceSettings, seed: UInt64) {
            self.settings = settings
            // Two streams: arrival gaps and client draws, so that changing the rate keeps the
            // clients (the n-th request is the same client at any load).
            rng = SeededGenerator(seed: seed)
            clientRng = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        }

        public mutating func next() -> TraceRequest? {
            let pieces = settings.rate
            while piece < pieces.count {
                let end = piece + 1 < pieces.count ? Swift.min(pieces[piece + 1].startS, settings.horizonS) : settings.horizonS
                let rate = pieces[piece].ratePerS
                if rate > 0 {
                    // Exponential gap by inversion; 1 − U ∈ (0, 1] keeps the log finite.
                    let gap = -log(1 - rng.nextUniform()) / rate
                    if time + gap < end {
                        time += gap
                        count += 1
                        let arrival = (time * 1e6).rounded() / 1e6
                        let client = ScenarioGenerator.drawClient(id: "r\(count)", settings: settings.scenario,
                                                                  rng: &clientRng)
                        return TraceRequest(arrivalS: Swift.min(arrival, Swift.max(0, end.nextDown)), client: client)
                    }
                }
                if end >= settings.horizonS { piece = pieces.count; break }
                time = end
                piece += 1
            }
            return nil
        }
    }

    /// The compute capacity of the scenario in requests per second: F divided by the mean work of
    /// a request's least-work admissible configuration (tiers weighted by their share). An offered
    /// load of 1× means arrivals that would keep the whole compute rate busy with the least work
    /// each request accepts; the band, deadlines and DVFS make the real capacity lower (docs/online.md).
    public static func computeCapacityPerS(scenario: ScenarioSettings, profile: Profile) -> Double {
        var work = 0.0, weight = 0.0
        for tier in scenario.qualityTiers where tier.weight > 0 {
            let admissible = profile.configs.filter { c in
                tier.requirement.map { profile.metric.meets(c.quality, requirement: $0) } ?? true
            }
            guard let least = admissible.map(\.flops).min() else { continue }
            work += tier.weight * least
            weight += tier.weight
        }
        guard weight > 0, work > 0 else { return 0 }
        return scenario.server.computeRateFlopsPerS / (work / weight)
    }
}
