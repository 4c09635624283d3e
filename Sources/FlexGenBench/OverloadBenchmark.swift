import Foundation
import FlexGenModel
import FlexGenSolver

/// Solver time on overloaded instances (benchmarks/README.md, "Overload: verdict and admission time").
///
/// Instances: the scaling family (`ScalingBenchmark.problem`: paper-default with K clients, F and
/// B scaled by K/20, seed 1), brought to capacity (F and B times the scale s* at which the family's
/// 1 000-client member just fits, `AdmissionBenchmark.capacityScale`; the family grows F and B with
/// K, so s* barely depends on K), then the band divided by `bandDivisor`, the compute rate by
/// `computeDivisor`. Cases:
/// - `verdict`: FlexGen without admission; the expected outcome is `infeasible` with diagnostics,
///   and the time is the solver's own `solveTimeS` (generation and checking excluded);
/// - `admission`: FlexGen with `.maxServed`; admitted count, admitted priority, its bound and the
///   gap (bound − achieved)/bound are reported, and the solution is checked by `Evaluation`.
public struct OverloadBenchmark: Sendable {
    public struct Case: Sendable {
        public var name: String
        public var bandDivisor: Double
        public var computeDivisor: Double
        public var admission: Bool
        public var serviceTargetTightness: Double?
        public var sizes: [Int]
        public init(name: String, bandDivisor: Double, computeDivisor: Double, admission: Bool,
                    serviceTargetTightness: Double? = nil, sizes: [Int]) {
            self.name = name; self.bandDivisor = bandDivisor; self.computeDivisor = computeDivisor
            self.admission = admission; self.serviceTargetTightness = serviceTargetTightness; self.sizes = sizes
        }
    }

    public struct Row: Sendable {
        public var name: String
        public var clients: Int
        public var status: String
        public var solverTimeS: Double
        public var wallTimeS: Double
        /// CPU time of the process over the solve (s): what the solve costs, nearly independent
        /// of the machine's load (the part runs one solve at a time).
        public var cpuTimeS: Double = 0
        public var checked: String
        public var bandScale: Double?
        public var admitted: Int?
        public var admittedPriority: Double?
        public var bound: Double?
        public var boundGap: Double? {
            guard let p = admittedPriority, let u = bound, u > 0 else { return nil }
            return (u - p) / u
        }
        public var note: String
        public var isFailure: Bool { checked == "REJECTED" || status == "error" }

        public static let csvHeader = ["case", "clients", "status", "solver_time_s", "wall_time_s", "cpu_time_s", "checked",
                                       "required_band_scale", "admitted", "admitted_priority", "priority_upper_bound",
                                       "bound_gap", "note"]
        public var csvRow: [String] {
            [name, "\(clients)", status, CSVTable.number(solverTimeS), CSVTable.number(wallTimeS), CSVTable.number(cpuTimeS), checked,
             CSVTable.number(bandScale), CSVTable.number(admitted), CSVTable.number(admittedPriority), CSVTable.number(bound),
             CSVTable.number(boundGap), note]
        }
    }

    public var cases: [Case]
    public var timeLimitS: Double

    public init(cases: [Case], timeLimitS: Double = 60) { self.cases = cases; self.timeLimitS = timeLimitS }

    /// The cases, relative to capacity: band ÷7, compute ÷2, both (the verdict), and 3× overload
    /// (F and B ÷3) with admission, without and with a service target.
    public static func standard(verdictSizes: [Int], admissionSizes: [Int]) -> [Case] {
        [
            Case(name: "verdict band/7", bandDivisor: 7, computeDivisor: 1, admission: false, sizes: verdictSizes),
            Case(name: "verdict compute/2", bandDivisor: 1, computeDivisor: 2, admission: false, sizes: verdictSizes),
            Case(name: "verdict band/7 compute/2", bandDivisor: 7, computeDivisor: 2, admission: false, sizes: verdictSizes),
            Case(name: "admission 3x", bandDivisor: 3, computeDivisor: 3, admission: true, sizes: admissionSizes),
            Case(name: "admission 3x target 0.5", bandDivisor: 3, computeDivisor: 3, admission: true,
                 serviceTargetTightness: 0.5, sizes: admissionSizes.filter { $0 <= 1_000 }),
        ]
    }

    public var workCount: Int { cases.map(\.sizes.count).reduce(0, +) }

    /// s* of the family (see the type's comment).
    public static let capacityScale: Double = AdmissionBenchmark.capacityScale(
        ScalingBenchmark(sizes: [], targets: []).problem(clients: 1_000, serviceTargetTightness: nil))

    public func problem(_ c: Case, clients: Int) -> Problem {
        var p = ScalingBenchmark(sizes: [], targets: []).problem(clients: clients, serviceTargetTightness: c.serviceTargetTightness)
        p.name = "overload-\(clients)-b\(c.bandDivisor)-f\(c.computeDivisor)"
        p.server.bandwidthHz *= Self.capacityScale / c.bandDivisor
        p.server.computeRateFlopsPerS *= Self.capacityScale / c.computeDivisor
        return p
    }

    public func run(progress: (Int) -> Void = { _ in }, warn: (String) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        for c in cases {
            var settings = SolverSettings()
            settings.timeLimitS = timeLimitS
            settings.admission = c.admission ? .maxServed : nil
            let solver = FlexGenSolver(.flexgen, settings: settings)
            for k in c.sizes {
                let problem = self.problem(c, clients: k)
                let clock = ContinuousClock()
                let start = clock.now
                let cpuStart = ProcessCPUClock.seconds()
                var row = Row(name: c.name, clients: k, status: "error", solverTimeS: 0, wallTimeS: 0, checked: "–", note: "")
                do {
                    let solution = try solver.solve(problem)
                    row.wallTimeS = (clock.now - start).seconds
                    row.cpuTimeS = ProcessCPUClock.seconds() - cpuStart
                    row.solverTimeS = solution.solveTimeS
                    row.status = solution.status.rawValue
                    row.bandScale = solution.diagnostics?.compactMap(\.requiredScale).first
                    if let a = solution.admission {
                        row.admitted = a.admittedCount
                        row.admittedPriority = a.admittedPriority
                        row.bound = a.admittedPriorityUpperBound
                    }
                    let evaluation = Evaluation(problem: problem, solution: solution)
                    if evaluation.hasAllocation || solution.admission != nil {
                        row.checked = evaluation.passes ? "yes" : "REJECTED"
                        if !evaluation.passes {
                            row.note = evaluation.violations.prefix(3).map(\.description).joined(separator: "; ")
                        }
                    }
                    if row.note.isEmpty, let d = solution.diagnostics?.first { row.note = d.constraint }
                } catch {
                    row.wallTimeS = (clock.now - start).seconds
                    row.note = "threw: \(error)"
                }
                if row.isFailure { warn("FAILURE overload \(c.name) K = \(k): \(row.note)") }
                rows.append(row)
                progress(rows.count)
            }
        }
        return rows
    }
}
