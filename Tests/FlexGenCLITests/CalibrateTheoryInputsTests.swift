import Foundation
import Testing

/// `flexgen calibrate --theory-inputs FILE`: the theory analysis on stored measurements.
@Suite struct CalibrateTheoryInputsTests {
    /// Re-analysing the digits measurements the committed `--theory` run stored reproduces that
    /// run's predicted-vs-measured table byte for byte (the analysis is deterministic and reads
    /// nothing else), and the report names the weights.
    @Test func reproducesTheCommittedDigitsTable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("theory-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runFlexgen(["calibrate", "--theory-inputs", "problems/profiles/digits-theory-theory-inputs.json",
                                     "-o", folder.appendingPathComponent("d.json").path])
        #expect(result.status == 0, "\(result.stderr)")
        let committed = try String(contentsOfFile: repoRoot + "/problems/profiles/digits-theory-theory.csv", encoding: .utf8)
        #expect(try String(contentsOfFile: folder.appendingPathComponent("d-theory.csv").path, encoding: .utf8) == committed)
        let report = try String(contentsOfFile: folder.appendingPathComponent("d-theory-report.md").path, encoding: .utf8)
        #expect(report.contains("Weights SHA-256 `") && report.contains("measurements of: flexgen calibrate"))
    }

    @Test func badInputsAreNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("theory-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.json")
        try Data("{\"format\": \"flexgen-profile/1\"}".utf8).write(to: bad)
        let out = folder.appendingPathComponent("x.json").path
        let notInputs = try runFlexgen(["calibrate", "--theory-inputs", bad.path, "-o", out])
        #expect(notInputs.status == 2 && notInputs.stderr.contains("--theory-inputs") && notInputs.stderr.contains("flexgen-theory-inputs/1"))
        let missing = try runFlexgen(["calibrate", "--theory-inputs", folder.appendingPathComponent("none.json").path, "-o", out])
        #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
        let withTheory = try runFlexgen(["calibrate", "--theory-inputs", bad.path, "--theory", "-o", out])
        #expect(withTheory.status == 2 && withTheory.stderr.contains("excludes --theory"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x-theory.csv").path))
    }
}
