import Foundation
import Testing

/// MODEL.md ("Generated samples"): `flexgen sample … --raw FILE` writes the images it drew. The
/// JSON alone is a complete run, so `-o` (the PNG grid) is not required beside `--raw`; with
/// neither there is nothing to write, which is a usage error (exit 2) naming the option.
@Suite struct SampleRawCLITests {
    @Test(arguments: ["digits", "fashion"])
    func rawAloneWritesTheSamples(model: String) throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let raw = folder.appendingPathComponent("raw.json").path
        let run = try runFlexgen(["sample", "--model", model, "--width", "0.25", "--steps", "1", "--count", "2",
                                  "--seed", "5", "--raw", raw])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: raw)))
            as? [String: Any])
        #expect(json["format"] as? String == "flexgen-samples/1" && json["model"] as? String == model)
        #expect((json["images"] as? [[NSNumber]])?.count == 2 && (json["labels"] as? [NSNumber])?.map(\.intValue) == [0, 1])
        #expect((json["seed"] as? NSNumber)?.intValue == 5 && (json["steps"] as? NSNumber)?.intValue == 1)
        #expect((json["width"] as? NSNumber)?.doubleValue == 0.25)
        // Only the file asked for: no grid appeared beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["raw.json"])
    }

    @Test func neitherOutputNorRawExits2() throws {
        let run = try runFlexgen(["sample", "--width", "0.25", "--steps", "1", "--count", "2"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--output") && run.stderr.contains("--raw"), "stderr: \(run.stderr)")
    }
}
