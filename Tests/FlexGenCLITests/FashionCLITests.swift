import Foundation
import Testing

/// `flexgen sample --model fashion` and `flexgen calibrate --model fashion` at the process level:
/// bad options exit 2 naming the option and write nothing; a valid run writes the PNG grid.
@Suite("flexgen sample/calibrate --model fashion")
struct FashionCLITests {
    @Test(arguments: [
        (["--model", "cats"], "--model"),
        (["--model", "fashion", "--width", "0"], "--width"),
        (["--model", "fashion", "--width", "1.5"], "--width"),
        (["--model", "fashion", "--steps", "0"], "--steps"),
        (["--model", "fashion", "--steps", "1001"], "--steps"),
        (["--model", "fashion", "--count", "3", "--label", "1,2"], "--label"),
        (["--model", "fashion", "--label", "10"], "--label"),
        (["--model", "fashion", "--guidance", "nan"], "--guidance"),
    ])
    func badSampleOptionsExit2NamingTheOption(arguments: [String], option: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fashion-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try runFlexgen(["sample"] + arguments + ["-o", folder + "/grid.png"])
        #expect(run.status == 2)
        #expect(run.stderr.contains(option), "stderr: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/grid.png"))
    }

    @Test func aValidSampleWritesTheGrid() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fashion-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try runFlexgen(["sample", "--model", "fashion", "--width", "0.25", "--steps", "1", "--count", "2",
                                  "--label", "3,7", "--scale", "1", "-o", folder + "/grid.png"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/grid.png")))
        #expect(png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR width/height: 2 images of 28 px in one row with 2-px gaps around: 2·28 + 3·2 = 62 by 28 + 4 = 32.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 62 && height == 32)
    }

    /// `--raw` writes flexgen-samples/1 naming the model that drew the images, for both models;
    /// read back with JSONSerialization (what a checker outside FlexGen would do).
    @Test(arguments: [("fashion", 28), ("digits", 8)])
    func rawNamesTheModel(model: String, side: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fashion-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try runFlexgen(["sample", "--model", model, "--width", "0.25", "--steps", "1", "--count", "2", "--seed", "11",
                                  "--label", "3,7", "-o", folder + "/grid.png", "--raw", folder + "/raw.json"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/raw.json"))) as? [String: Any])
        #expect(json["format"] as? String == "flexgen-samples/1" && json["model"] as? String == model)
        #expect((json["seed"] as? NSNumber)?.intValue == 11 && (json["steps"] as? NSNumber)?.intValue == 1)
        #expect((json["labels"] as? [NSNumber])?.map(\.intValue) == [3, 7])
        #expect((json["images"] as? [[NSNumber]])?.map(\.count) == [side * side, side * side])
        #expect((json["imageHeight"] as? NSNumber)?.intValue == side && (json["imageWidth"] as? NSNumber)?.intValue == side)
    }

    @Test(arguments: [
        (["--jobs", "0"], "--jobs: must be ≥ 1"),
        (["--jobs", "2", "--worker", "/bin/cat"], "--jobs: an external --worker"),
    ])
    func badJobsExit2NamingTheOption(arguments: [String], message: String) throws {
        let run = try runFlexgen(["calibrate", "--quick", "-o", "/tmp/flexgen-jobs-never.json"] + arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "stderr: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/flexgen-jobs-never.json"))
    }

    @Test func calibrateWithoutTheDataSetExits2NamingData() throws {
        let run = try runFlexgen(["calibrate", "--model", "fashion", "--quick", "--data", "/nonexistent/fashion",
                                  "-o", "/tmp/flexgen-fashion-never.json"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--data"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/flexgen-fashion-never.json"))
    }

    /// An FD-fashion problem passes validate's metric check (it would name profile.metric) and
    /// reaches the Fashion-MNIST data set, whose absence is reported naming --data.
    @Test func validateAcceptsFashionProblems() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fashion-validate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generate = try runFlexgen(["generate", "--preset", "tiny", "--profile", repoRoot + "/problems/profiles/fashion-measured.json",
                                       "--tiers", "loose:400:1,tight:150:1", "-o", folder + "/p.json"])
        #expect(generate.status == 0, "stderr: \(generate.stderr)")
        let solve = try runFlexgen(["solve", folder + "/p.json", "-o", folder + "/s.json"])
        #expect(solve.status == 0, "stderr: \(solve.stderr)")
        let validate = try runFlexgen(["validate", folder + "/p.json", folder + "/s.json", "--data", "/nonexistent/fashion"])
        #expect(validate.status == 2)
        #expect(validate.stderr.contains("--data") && !validate.stderr.contains("profile.metric"), "stderr: \(validate.stderr)")
    }
}
