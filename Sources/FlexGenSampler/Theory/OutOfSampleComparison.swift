import FlexGenNumerics
import Foundation

/// Out-of-sample test of the two quality laws on a calibration grid (docs/theory.md):
///
/// - the theory (`WidthQualityTheory`, 3 fitted constants, K(w) measured without sampling) is
///   fitted on the points of two widths only and predicts every point of every other width;
/// - the 5-parameter curve fit (`QualityLawFit`) is fitted leave-one-width-out: for each width,
///   on all the other widths' points, and predicts the left-out width's points.
///
/// A prediction "hits" when |predicted − measured| ≤ the measured point's 95 % CI half-width
/// (Student t over seeds). The CI is the seed-to-seed spread of the FD estimate with the
/// reference set fixed; it is the resolution of the measurement, not a model tolerance.
public struct OutOfSampleComparison: Sendable {
    public struct Row: Sendable, Equatable {
        public var width: Double, steps: Int
        public var measured: Double, ci95: Double
        public var labelAccuracy: Double, labelAccuracyCI95: Double
        /// K(w) used by the theory (mean over seeds).
        public var klExcess: Double
        /// Theory prediction; `theoryHeldOut` false for the two fitted widths (in-sample).
        public var theory: Double
        public var theoryHeldOut: Bool
        /// K_c(w): the KL-weighted excess over t ≥ t_c only, and the coarse variant's prediction.
        public var coarseKLExcess: Double
        public var theoryCoarse: Double
        /// 5-parameter law fitted without this width (nil if that fit failed).
        public var leaveOneWidthOut: Double?
        /// K_s(w) and K_{c,s}(w): the excess at the timesteps this step count's DDIM visits
        /// (`EpsilonErrorProfile.visitedKLExcess`; Step 4′), and the law's predictions with them.
        public var visitedKLExcess: Double = .nan
        public var theoryVisited: Double = .nan
        public var visitedCoarseKLExcess: Double = .nan
        public var theoryVisitedCoarse: Double = .nan

        public var theoryHit: Bool { abs(theory - measured) <= ci95 }
        public var theoryCoarseHit: Bool { abs(theoryCoarse - measured) <= ci95 }
        public var leaveOneWidthOutHit: Bool? { leaveOneWidthOut.map { abs($0 - measured) <= ci95 } }
        public var theoryVisitedHit: Bool { abs(theoryVisited - measured) <= ci95 }
        public var theoryVisitedCoarseHit: Bool { abs(theoryVisitedCoarse - measured) <= ci95 }
    }

    public struct Score: Sendable, Equatable {
        public var count: Int, hits: Int
        public var medianAbsoluteError: Double, maxAbsoluteError: Double
        /// Median of |error| / measured.
        public var medianRelativeError: Double
        public var hitRate: Double { count > 0 ? Double(hits) / Double(count) : .nan }

        init(errors: [(error: Double, ci: Double, measured: Double)]) {
            count = errors.count
            hits = errors.filter { abs($0.error) <= $0.ci }.count
            medianAbsoluteError = Statistics.median(errors.map { abs($0.error) })
            maxAbsoluteError = errors.map { abs($0.error) }.max() ?? .nan
            medianRelativeError = Statistics.median(errors.map { abs($0.error) / $0.measured })
        }
    }

    public var theory: WidthQualityTheory
    /// The same law with K_c (t ≥ `coarseFrom`) in place of K, fitted on the same two widths.
    public var theoryCoarse: WidthQualityTheory
    public var coarseFrom: Int
    /// The law with K_s and with K_{c,s} (Step 4′), fitted on the same two widths (`fitVaryingK`).
    public var theoryVisited: WidthQualityTheory
    public var theoryVisitedCoarse: WidthQualityTheory
    public var rows: [Row]
    /// Widths whose leave-one-width-out fit of the 5-parameter law failed, with the reason.
    public var leaveOneWidthOutFailures: [Double: String]

    /// The theory on its held-out widths' points.
    public var theoryScore: Score {
        Score(errors: rows.filter(\.theoryHeldOut).map { ($0.theory - $0.measured, $0.ci95, $0.measured) })
    }
    /// The coarse variant on the same held-out points.
    public var theoryCoarseScore: Score {
        Score(errors: rows.filter(\.theoryHeldOut).map { ($0.theoryCoarse - $0.measured, $0.ci95, $0.measured) })
    }
    /// The Step 4′ variants on the same held-out points.
    public var theoryVisitedScore: Score {
        Score(errors: rows.filter(\.theoryHeldOut).map { ($0.theoryVisited - $0.measured, $0.ci95, $0.measured) })
    }
    public var theoryVisitedCoarseScore: Score {
        Score(errors: rows.filter(\.theoryHeldOut).map { ($0.theoryVisitedCoarse - $0.measured, $0.ci95, $0.measured) })
    }
    /// The 5-parameter law on the same held-out points (each predicted by the fit that left its width out).
    public var leaveOneWidthOutScore: Score {
        Score(errors: rows.filter(\.theoryHeldOut).compactMap { r in r.leaveOneWidthOut.map { ($0 - r.measured, r.ci95, r.measured) } })
    }
    /// The 5-parameter law leave-one-width-out on every width (including the theory's fit widths).
    public var leaveOneWidthOutScoreAllWidths: Score {
        Score(errors: rows.compactMap { r in r.leaveOneWidthOut.map { ($0 - r.measured, r.ci95, r.measured) } })
    }

    /// - Parameters:
    ///   - coarseFrom: t_c of the coarse variant (`TheoryAnchors.classDecisionTimestep`).
    ///   - leaveOneWidthOut: also fit the 5-parameter law once per left-out width (false: rows
    ///     carry no such prediction; for the fit-pair sensitivity, which only needs the theory).
    public static func run(calibration: CalibrationResult, epsilon: EpsilonErrorProfile,
                           fitWidths: [Double], coarseFrom: Int, leaveOneWidthOut: Bool = true,
                           schedule: NoiseSchedule = .standard) throws -> OutOfSampleComparison {
        let points = calibration.points
        var kl: [Double: Double] = [:], coarse: [Double: Double] = [:]
        for w in Set(points.map(\.width)) {
            guard let excess = epsilon.klExcess(w), let c = epsilon.klExcess(w, from: coarseFrom) else {
                throw SamplerError.badRequest("theory: the ε-profile has no width \(w) or no width 1 to take the excess over")
            }
            kl[w] = excess.mean
            coarse[w] = c
        }
        func fit(_ k: [Double: Double]) throws -> WidthQualityTheory {
            let fitPoints = points.filter { fitWidths.contains($0.width) }.map {
                WidthQualityTheory.Point(width: $0.width, steps: $0.steps, klExcess: k[$0.width]!, quality: $0.frechetMean)
            }
            do { return try WidthQualityTheory.fit(fitPoints) } catch { throw SamplerError.badRequest("\(error)") }
        }
        let theory = try fit(kl), theoryCoarse = try fit(coarse)
        var visited: [String: (full: Double, coarse: Double)] = [:]
        func key(_ w: Double, _ s: Int) -> String { "\(w):\(s)" }
        for p in points {
            guard let full = epsilon.visitedKLExcess(p.width, steps: p.steps, schedule: schedule),
                  let c = epsilon.visitedKLExcess(p.width, steps: p.steps, schedule: schedule, from: coarseFrom) else {
                throw SamplerError.badRequest("theory: the ε-profile has no width \(p.width) or no width 1 to take the excess over")
            }
            visited[key(p.width, p.steps)] = (full, c)
        }
        func fitVisited(_ pick: ((full: Double, coarse: Double)) -> Double) throws -> WidthQualityTheory {
            let fitPoints = points.filter { fitWidths.contains($0.width) }.map {
                WidthQualityTheory.Point(width: $0.width, steps: $0.steps, klExcess: pick(visited[key($0.width, $0.steps)]!), quality: $0.frechetMean)
            }
            do { return try WidthQualityTheory.fitVaryingK(fitPoints) } catch { throw SamplerError.badRequest("\(error)") }
        }
        let theoryVisited = try fitVisited(\.full), theoryVisitedCoarse = try fitVisited(\.coarse)
        var lowo: [Double: QualityLawFit] = [:], failures: [Double: String] = [:]
        for w in Set(points.map(\.width)) where leaveOneWidthOut {
            let rest = points.filter { $0.width != w }
            do {
                lowo[w] = try QualityLawFit.fit(widths: rest.map(\.width), steps: rest.map { Double($0.steps) },
                                                qualities: rest.map(\.frechetMean))
            } catch { failures[w] = "\(error)" }
        }
        let rows = points.map { p in
            Row(width: p.width, steps: p.steps, measured: p.frechetMean, ci95: p.frechetCI95,
                labelAccuracy: p.labelAccuracy, labelAccuracyCI95: p.labelAccuracyCI95, klExcess: kl[p.width]!,
                theory: theory.predict(klExcess: kl[p.width]!, steps: p.steps),
                theoryHeldOut: !fitWidths.contains(p.width),
                coarseKLExcess: coarse[p.width]!, theoryCoarse: theoryCoarse.predict(klExcess: coarse[p.width]!, steps: p.steps),
                leaveOneWidthOut: lowo[p.width]?.predict(width: p.width, steps: Double(p.steps)),
                visitedKLExcess: visited[key(p.width, p.steps)]!.full,
                theoryVisited: theoryVisited.predict(klExcess: visited[key(p.width, p.steps)]!.full, steps: p.steps),
                visitedCoarseKLExcess: visited[key(p.width, p.steps)]!.coarse,
                theoryVisitedCoarse: theoryVisitedCoarse.predict(klExcess: visited[key(p.width, p.steps)]!.coarse, steps: p.steps))
        }
        return OutOfSampleComparison(theory: theory, theoryCoarse: theoryCoarse, coarseFrom: coarseFrom,
                                     theoryVisited: theoryVisited, theoryVisitedCoarse: theoryVisitedCoarse, rows: rows,
                                     leaveOneWidthOutFailures: failures)
    }

    /// The theory's held-out hit counts for every pair of grid widths as the fit widths: how much
    /// the result depends on which two widths are fitted.
    public static func fitPairSensitivity(calibration: CalibrationResult, epsilon: EpsilonErrorProfile,
                                          coarseFrom: Int) throws -> [(widths: [Double], full: Score, coarse: Score)] {
        let widths = Array(Set(calibration.points.map(\.width))).sorted()
        var out: [(widths: [Double], full: Score, coarse: Score)] = []
        for i in widths.indices { for j in widths.indices where j > i {
            let c = try run(calibration: calibration, epsilon: epsilon, fitWidths: [widths[i], widths[j]],
                            coarseFrom: coarseFrom, leaveOneWidthOut: false)
            out.append(([widths[i], widths[j]], c.theoryScore, c.theoryCoarseScore))
        } }
        return out
    }
}
