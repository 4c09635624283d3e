import Foundation
import Testing

/// Inputs built to break parsers and numerics: each must end in a clear verdict or error,
/// never a crash and never a NaN in what is written.
@Suite struct HostileInputTests {
    @Test func deeplyNestedDocumentIsRejectedNotACrash() throws {
        let folder = try makeTemporaryFolder()
        // 10 000 levels overflowed the recursive syntax locator's stack before the nesting guard.
        let path = try writeFile(String(repeating: "[", count: 10_000), "deep.json", in: folder)
        let run = try runFlexgen(["check", path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("nested deeper than 64 levels"))
    }

    @Test func nestingWithinStringsDoesNotCount() throws {
        let folder = try makeTemporaryFolder()
        // 100 brackets inside a string value: a syntax-level complaint about the document's
        // content is fine, the nesting guard must not fire.
        let text = "{\"format\": \"" + String(repeating: "[", count: 100) + "\"}"
        let path = try writeFile(text, "strings.json", in: folder)
        let run = try runFlexgen(["check", path])
        #expect(run.status == 2)
        #expect(!run.stderr.contains("nested deeper"))
    }

    @Test func subnormalInstanceIsDiagnosedWithFiniteFigures() throws {
        // Every number 5e-324: the least reachable latency is C/F + D/(B·log2(1 + P·g/(N0·B)))
        // = 1 s + 1/(5e-324·log2 2)·5e-324 s = 2 s, by hand. It used to come out as NaN (0/0).
        let t = "5e-324"
        let problem = """
        {"format": "flexgen-problem/1", "name": "subnormal",
         "server": {"bandwidthHz": \(t), "noisePsdWPerHz": \(t), "maxTxPowerW": \(t),
                    "computeRateFlopsPerS": \(t), "energyPerFlopJ": \(t), "dvfsCoefficient": \(t)},
         "profile": {"format": "flexgen-profile/1", "name": "p", "metric": {"name": "FID", "better": "lower"},
                     "configs": [{"width": \(t), "steps": 1, "flops": \(t), "quality": \(t)}]},
         "clients": [{"id": "u", "deadlineS": \(t), "channelGain": \(t), "imageBits": \(t)}]}
        """
        let folder = try makeTemporaryFolder()
        let path = try writeFile(problem, "subnormal.json", in: folder)
        let run = try runFlexgen(["solve", "--json", path])
        #expect(run.status == 1)
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "infeasible")
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let latency = try #require(diagnostics.first?["minimumLatencyS"] as? Double)
        #expect(abs(latency - 2) <= 1e-12)
        #expect(!run.stdout.lowercased().contains("nan"))
    }
}
