import FlexGenNumerics
import Foundation
import Testing
import FlexGenModel
@testable import FlexGenIO

/// The one-parse readers against the two-step path they replace: `decodeInlineValidated` (the
/// service's) against `namesProfileFile` then `decode`, and the streamed `AtomicFile.write(chunks:)`
/// against `FlexGenJSON.encode` written whole.
struct ReadOnceTests {
    private enum Outcome: Equatable {
        case refused, decoded(Problem), failed(String)
    }

    /// The old path: refuse a string profile, else decode and validate.
    private func twoStep(_ data: Data) -> Outcome {
        if ProblemFile.namesProfileFile(data) { return .refused }
        do { return .decoded(try ProblemFile.decode(data, baseDirectory: nil)) } catch { return .failed("\(error)") }
    }

    private func oneParse(_ data: Data) -> Outcome {
        do { return try ProblemFile.decodeInlineValidated(data).map { .decoded($0.problem) } ?? .refused } catch {
            return .failed("\(error)")
        }
    }

    @Test func inlineReaderAgreesWithTheTwoStepPath() throws {
        let inline = try FlexGenJSON.encode(try ProblemFile.load(path: ProblemsTests.folder.appendingPathComponent("paper-default.json").path),
                                            userInfo: [.embedProfile: true])
        let text = String(decoding: inline, as: UTF8.self)
        let named = try Data(contentsOf: ProblemsTests.folder.appendingPathComponent("paper-default.json"))
        let variants: [Data] = [
            inline,
            named,                                                        // a profile file's path: refused
            Data(("\u{FEFF}" + text).utf8),                               // not strict JSON (a BOM): Foundation's path
            Data(text.replacingOccurrences(of: #""deadlineS" : "#, with: #""deadlineS" : -"#).utf8),  // invalid values
            Data(text.replacingOccurrences(of: #""imageBits" : "#, with: #""imageBitz" : "#).utf8),   // an unknown key
            Data(text.prefix(text.count / 2).utf8),                      // cut short
            Data(#"{"profile": "profiles/sd-like-512.json", "format": 3}"#.utf8),
            Data(#"{"profile": "x.json", "#.utf8),
        ]
        var refused = 0, failed = 0, decoded = 0
        for (n, data) in variants.enumerated() {
            let expected = twoStep(data)
            #expect(oneParse(data) == expected, "variant \(n)")
            switch expected {
            case .refused: refused += 1
            case .decoded: decoded += 1
            case .failed: failed += 1
            }
        }
        #expect(refused >= 2 && decoded >= 2 && failed >= 3, "\(refused) refused, \(decoded) decoded, \(failed) failed")
    }

    @Test func streamedSolutionIsTheEncodedBytes() throws {
        var random = Xoshiro256(seed: 3)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-read-once-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for n in 0..<20 {
            let solution = FastJSONWriterTests.randomSolution(&random)
            guard let chunks = SolutionJSONChunks(solution, chunkBytes: 1 + n * 37) else { continue }
            let path = folder.appendingPathComponent("s\(n).json").path
            try AtomicFile.write(chunks: chunks, to: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == FlexGenJSON.encode(solution))
        }
        // Only the destinations are left: no temporary file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasPrefix(".") })
        // A folder that does not exist: the error of `write(_:to:)`, and no file.
        let missing = folder.appendingPathComponent("missing/s.json").path
        let chunks = try #require(SolutionJSONChunks(Solution(problem: "p", solver: "s", status: .infeasible, totalEnergyJ: nil, solveTimeS: 0, clients: [])))
        #expect(throws: AtomicFile.Error.self) { try AtomicFile.write(chunks: chunks, to: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
