import Foundation
import FlexGenModel
import FlexGenIO
import FlexGenSolver

/// Reading, validating, solving, writing and checking at K clients, each step timed (median wall
/// and CPU over the repetitions) with its peak extra resident memory, and the reading and writing
/// steps also through Foundation's `JSONDecoder`/`JSONEncoder` exactly as FlexGen read and wrote
/// before the tape reader and canonical writer (the "foundation" path: nesting guard, decode,
/// validate; `FlexGenJSON.encoder()`), measured in the same run for an A/B on one machine state.
///
/// Instances: `ScalingBenchmark.problem(clients:serviceTargetTightness: nil)`, encoded with the
/// profile inline (what `flexgen generate` writes). The solution is FlexGen's for that problem.
public struct IOBenchmark: Sendable {
    public struct Row: Sendable {
        public var step: String
        public var path: String
        public var clients: Int
        public var bytes: Int
        public var repetitions: Int
        public var medianTimeS: Double
        public var medianCPUTimeS: Double
        public var peakMemoryBytes: Double?
        /// The solve row only: the wall time of the final `Evaluation` re-check inside the solve
        /// (`SolveInfo.checkTimeS`, s) and its share of the solve's wall time.
        public var checkTimeS: Double? = nil
        public var checkShare: Double? = nil

        public static let csvHeader = ["step", "path", "clients", "bytes", "repetitions", "median_time_s",
                                       "median_cpu_time_s", "mb_per_s", "peak_memory_mib", "final_check_s",
                                       "final_check_share"]
        public var csvRow: [String] {
            [step, path, "\(clients)", "\(bytes)", "\(repetitions)", CSVTable.number(medianTimeS),
             CSVTable.number(medianCPUTimeS), CSVTable.number(bytes > 0 ? Double(bytes) / medianTimeS / 1e6 : nil),
             CSVTable.number(peakMemoryBytes.map { $0 / 1_048_576 }), CSVTable.number(checkTimeS),
             CSVTable.number(checkShare)]
        }
    }

    public var sizes: [Int]
    public init(sizes: [Int]) { self.sizes = sizes }

    static func repetitions(_ k: Int) -> Int { k <= 10_000 ? 5 : 3 }

    /// Runs `body` `repetitions` times: median wall and CPU time, largest peak extra RSS.
    static func measure<T>(_ repetitions: Int, _ body: () throws -> T) rethrows -> (T, Double, Double, Double?) {
        var walls: [Double] = [], cpus: [Double] = []
        var peak: Double?
        var last: T?
        let clock = ContinuousClock()
        for _ in 0..<repetitions {
            last = nil  // release the previous result before measuring memory again
            let before = MemoryProbe.residentBytes()
            MemoryProbe.resetPeak()
            let start = clock.now
            let cpuStart = ThreadCPUClock.seconds()
            last = try body()
            cpus.append(ThreadCPUClock.seconds() - cpuStart)
            walls.append((clock.now - start).seconds)
            if let b = before, let p = MemoryProbe.peakBytes() { peak = max(peak ?? 0, max(p - b, 0)) }
        }
        return (last!, walls.sorted()[walls.count / 2], cpus.sorted()[cpus.count / 2], peak)
    }

    /// Main's reading path, kept here as the benchmark's baseline.
    static func foundationDecode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        try JSONNesting.check(data)
        return try JSONDecoder().decode(T.self, from: data)
    }

    public func run(progress: (Int) -> Void = { _ in }, warn: (String) -> Void = { _ in }) -> [Row] {
        var rows: [Row] = []
        for (n, k) in sizes.enumerated() {
            do {
                rows += try run(clients: k)
            } catch {
                warn("io benchmark at K = \(k): \(error)")
            }
            progress(n + 1)
        }
        return rows
    }

    func run(clients k: Int) throws -> [Row] {
        let reps = Self.repetitions(k)
        let problem = ScalingBenchmark(sizes: [], targets: []).problem(clients: k, serviceTargetTightness: nil)
        let problemData = try ProblemFile.encode(problem, embedProfile: true)
        var rows: [Row] = []
        func row(_ step: String, _ path: String, _ bytes: Int, _ m: (some Any, Double, Double, Double?)) {
            rows.append(Row(step: step, path: path, clients: k, bytes: bytes, repetitions: m.0 is SolveInfo ? 1 : reps,
                            medianTimeS: m.1, medianCPUTimeS: m.2, peakMemoryBytes: m.3))
        }

        let fastRead = try Self.measure(reps) { try ProblemFile.decode(problemData, baseDirectory: nil) }
        row("read+validate problem", "tape", problemData.count, fastRead)
        let oldRead = try Self.measure(reps) { () -> Problem in
            let p = try Self.foundationDecode(Problem.self, problemData)
            try p.validate()
            return p
        }
        row("read+validate problem", "foundation", problemData.count, oldRead)
        guard fastRead.0 == oldRead.0 else { throw IOBenchmarkError.disagreement("problem read") }

        // The solve includes the final `Evaluation` re-check that every solve runs: its share of the
        // solve's wall time is the row's `check_share` (SolveInfo.checkTimeS / solution.solveTimeS).
        let solved = try Self.measure(1) { try FlexGenSolver().solveWithInfo(problem) }
        row("solve", "-", 0, solved)
        rows[rows.count - 1].checkShare = solved.0.checkTimeS / max(solved.0.solution.solveTimeS, 1e-300)
        rows[rows.count - 1].checkTimeS = solved.0.checkTimeS
        let solution = solved.0.solution

        let fastWrite = try Self.measure(reps) { try FlexGenJSON.encode(solution) }
        row("write solution", "canonical", fastWrite.0.count, fastWrite)
        let oldWrite = try Self.measure(reps) { () -> Data in
            var data = try FlexGenJSON.encoder().encode(solution)
            data.append(0x0A)
            return data
        }
        row("write solution", "foundation", oldWrite.0.count, oldWrite)
        guard fastWrite.0 == oldWrite.0 else { throw IOBenchmarkError.disagreement("solution bytes") }
        // What the HTTP service sends: 64 KiB pieces, each dropped once written (here: counted).
        let pieces = try Self.measure(reps) { () -> Int in
            guard var chunks = SolutionJSONChunks(solution) else { throw IOBenchmarkError.disagreement("solution pieces") }
            var total = 0
            while let piece = chunks.next() { total += piece.count }
            return total
        }
        row("write solution", "64 KiB pieces", pieces.0, pieces)
        guard pieces.0 == fastWrite.0.count else { throw IOBenchmarkError.disagreement("solution pieces") }
        let solutionData = fastWrite.0

        let fastReadSolution = try Self.measure(reps) { try SolutionFile.decode(solutionData) }
        row("read solution", "tape", solutionData.count, fastReadSolution)
        let oldReadSolution = try Self.measure(reps) { try Self.foundationDecode(Solution.self, solutionData) }
        row("read solution", "foundation", solutionData.count, oldReadSolution)
        guard fastReadSolution.0 == oldReadSolution.0 else { throw IOBenchmarkError.disagreement("solution read") }

        // What `flexgen check PROBLEM SOLUTION` does after reading the files.
        let check = try Self.measure(reps) { () -> Bool in
            let p = try ProblemFile.decode(problemData, baseDirectory: nil)
            let (s, _) = try SolutionFile.decodeListingUnknownKeys(solutionData)
            return Evaluation(problem: p, solution: s).passes
        }
        row("check problem+solution", "tape", problemData.count + solutionData.count, check)
        let oldCheck = try Self.measure(reps) { () -> Bool in
            let p = try Self.foundationDecode(Problem.self, problemData)
            try p.validate()
            let s = try Self.foundationDecode(Solution.self, solutionData)
            if let object = try? JSONSerialization.jsonObject(with: solutionData) { _ = Solution.unknownKeys(inJSON: object) }
            return Evaluation(problem: p, solution: s).passes
        }
        row("check problem+solution", "foundation", problemData.count + solutionData.count, oldCheck)
        guard check.0, oldCheck.0 else { throw IOBenchmarkError.disagreement("check verdict") }
        return rows
    }
}

enum IOBenchmarkError: Error, CustomStringConvertible {
    case disagreement(String)
    var description: String {
        switch self { case .disagreement(let what): "the fast and the Foundation path disagree on the \(what)" }
    }
}
