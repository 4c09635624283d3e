import Foundation
import Testing

@Suite struct GenerateCommandTests {
    @Test func sameArgumentsSameBytes() throws {
        let args = ["generate", "--preset", "service-target", "--seed", "42", "--clients", "30"]
        let first = try runFlexgen(args), second = try runFlexgen(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        #expect(!first.stdout.isEmpty)
        let other = try runFlexgen(["generate", "--preset", "service-target", "--seed", "43", "--clients", "30"])
        #expect(other.stdout != first.stdout)
    }

    @Test func outputFileIsValidAndReferencesTheProfileRelatively() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("p.json").path
        let profile = repoRoot + "/problems/profiles/sd-like-512.json"
        let result = try runFlexgen(["generate", "--seed", "5", "--profile", profile, "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("\"profile\" : \"") && text.contains("problems/profiles/sd-like-512.json\""))
        // Only the output file was written (no temporary left behind).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["p.json"])
        // The written problem loads (its relative profile path resolves) and a check of an
        // infeasible claim against it is "nothing to check".
        let solution = try writeFile(#"{"format":"flexgen-solution/1","problem":"paper-default","solver":"x","status":"infeasible","solveTimeS":0,"clients":[]}"#,
                                     "s.json", in: folder)
        #expect(try runFlexgen(["check", out, solution]).status == 0)
    }

    @Test func shippedProblemsAreReproducible() throws {
        // problems/README.md gives the command for each generated instance.
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = repoRoot + "/problems/.regen-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try runFlexgen(["generate", "--preset", "paper-default", "--seed", "1",
                                     "--profile", "problems/profiles/sd-like-512.json", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let regenerated = try Data(contentsOf: URL(fileURLWithPath: out))
        let shipped = try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/problems/paper-default.json"))
        #expect(regenerated == shipped)
    }

    @Test func badSettingsAreUsageErrors() throws {
        let unknown = try runFlexgen(["generate", "--preset", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--preset"))
        #expect(try runFlexgen(["generate", "--clients", "0"]).status == 2)
        #expect(try runFlexgen(["generate", "--deadline-min", "5", "--deadline-max", "1"]).status == 2)
        #expect(try runFlexgen(["generate", "-o", "/nonexistent-folder/x.json"]).status == 2)
    }

    @Test func failedWriteLeavesExistingFileUntouched() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try writeFile("keep me", "p.json", in: folder)
        // A bad profile makes the command fail after argument parsing: the old file must survive.
        let badProfile = try writeFile("{}", "bad.json", in: folder)
        let result = try runFlexgen(["generate", "--profile", badProfile, "-o", out])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.json"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me")
    }
}

@Suite struct ProfileSynthCommandTests {
    @Test func defaultsReproduceTheShippedProfile() throws {
        let result = try runFlexgen(["profile", "synth"])
        #expect(result.status == 0, "\(result.stderr)")
        let shipped = try String(contentsOfFile: repoRoot + "/problems/profiles/sd-like-512.json", encoding: .utf8)
        #expect(result.stdout == shipped)
    }

    @Test func customLawIsTheFormula() throws {
        let result = try runFlexgen(["profile", "synth", "--widths", "0.5", "--steps", "4", "--q-inf", "10", "--a", "2",
                                     "--alpha", "1", "--c", "16", "--beta", "2", "--flops-per-step", "1e12",
                                     "--phi0", "0.2", "--decoder-flops", "3e12", "--name", "law", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let profile = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let config = try #require((profile["configs"] as? [[String: Any]])?.first)
        // quality = 10 + 2·0.5⁻¹ + 16·4⁻² = 15; flops = 4·1e12·(0.2 + 0.8·0.25) + 3e12 = 4.6e12.
        #expect(abs((config["quality"] as? Double ?? 0) - 15) < 1e-12)
        #expect(abs((config["flops"] as? Double ?? 0) - 4.6e12) < 1e-3)
    }

    @Test func badListsAreUsageErrors() throws {
        #expect(try runFlexgen(["profile", "synth", "--widths", "0,1"]).status == 2)
        #expect(try runFlexgen(["profile", "synth", "--steps", "0"]).status == 2)
        #expect(try runFlexgen(["profile", "synth", "--widths", "0.5,0.5"]).status == 2)
        #expect(try runFlexgen(["profile", "synth", "--better", "up"]).status == 2)
    }
}
