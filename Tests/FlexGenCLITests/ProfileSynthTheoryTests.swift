import Foundation
import Testing

@Suite struct ProfileSynthTheoryTests {
    func qualities(_ arguments: [String]) throws -> [Double] {
        let result = try runFlexgen(["profile", "synth", "--law", "theory", "--json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let profile = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try #require(profile["configs"] as? [[String: Any]]).map { $0["quality"] as? Double ?? .nan }
    }

    @Test func measuredTableIsTheFormula() throws {
        // (√(4 + 2·6) + 3/2)² = 30.25 at width 0.5, (√4 + 3/2)² = 12.25 at width 1 (K = 0), 2 steps.
        let q = try qualities(["--widths", "0.5,1", "--steps", "2", "--theory-floor", "4", "--theory-kappa", "2",
                               "--theory-c", "3", "--kl-excess", "0.5:6,1:0"])
        #expect(q.count == 2 && abs(q[0] - 30.25) < 1e-12 && abs(q[1] - 12.25) < 1e-12)
    }

    @Test func inverseWidthSlopeIsTheFormula() throws {
        // K(0.25) = 2·(4 − 1) = 6: (√(4 + 12) + 3/3)² = 25 at 3 steps.
        let q = try qualities(["--widths", "0.25", "--steps", "3", "--theory-floor", "4", "--theory-kappa", "2",
                               "--theory-c", "3", "--kl-slope", "2"])
        #expect(q.count == 1 && abs(q[0] - 25) < 1e-12)
    }

    @Test func missingOrConflictingConstantsAreUsageErrors() throws {
        let base = ["profile", "synth", "--law", "theory", "--widths", "0.5,1"]
        let missingKappa = try runFlexgen(base + ["--theory-floor", "4", "--theory-c", "3", "--kl-slope", "1"])
        #expect(missingKappa.status == 2 && missingKappa.stderr.contains("--theory-kappa"))
        let missingWidth = try runFlexgen(base + ["--theory-floor", "4", "--theory-kappa", "2", "--theory-c", "3", "--kl-excess", "1:0"])
        #expect(missingWidth.status == 2 && missingWidth.stderr.contains("no K for width 0.5"))
        let both = try runFlexgen(base + ["--theory-floor", "4", "--theory-kappa", "2", "--theory-c", "3", "--kl-excess", "0.5:1,1:0", "--kl-slope", "1"])
        #expect(both.status == 2)
        let powerOnly = try runFlexgen(["profile", "synth", "--theory-kappa", "2"])
        #expect(powerOnly.status == 2 && powerOnly.stderr.contains("--law theory"))
        let negative = try runFlexgen(base + ["--theory-floor", "4", "--theory-kappa", "-2", "--theory-c", "3", "--kl-slope", "1"])
        #expect(negative.status == 2)
        let nan = try runFlexgen(base + ["--theory-floor", "nan", "--theory-kappa", "2", "--theory-c", "3", "--kl-slope", "1"])
        #expect(nan.status == 2)
    }

    @Test func calibrateTheoryOptionsAreChecked() throws {
        let offGrid = try runFlexgen(["calibrate", "--theory", "--theory-fit-widths", "0.3,1", "-o", "/tmp/never-written.json"])
        #expect(offGrid.status == 2 && offGrid.stderr.contains("--theory-fit-widths: 0.3 is not one of the calibration widths"))
        let one = try runFlexgen(["calibrate", "--theory", "--theory-fit-widths", "1", "-o", "/tmp/never-written.json"])
        #expect(one.status == 2 && one.stderr.contains("need exactly two widths"))
        let noFull = try runFlexgen(["calibrate", "--theory", "--widths", "0.25,0.5,0.75", "--theory-fit-widths", "0.25,0.5", "-o", "/tmp/never-written.json"])
        #expect(noFull.status == 2 && noFull.stderr.contains("must include 1"))
        let worker = try runFlexgen(["calibrate", "--theory", "--worker", "/bin/true", "-o", "/tmp/never-written.json"])
        #expect(worker.status == 2 && worker.stderr.contains("--theory"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.json"))
    }

    @Test func calibrateEpsilonOnlyOptionsAreChecked() throws {
        let out = ["-o", "/tmp/never-written-eps.json"]
        let both = try runFlexgen(["calibrate", "--epsilon-only", "--theory"] + out)
        #expect(both.status == 2 && both.stderr.contains("--epsilon-only and --theory exclude each other"))
        let noFull = try runFlexgen(["calibrate", "--epsilon-only", "--widths", "0.25,0.5"] + out)
        #expect(noFull.status == 2 && noFull.stderr.contains("--epsilon-only: --widths must include 1"))
        let images = try runFlexgen(["calibrate", "--epsilon-only", "--epsilon-images", "0"] + out)
        #expect(images.status == 2 && images.stderr.contains("--epsilon-images: must be ≥ 1"))
        let stride = try runFlexgen(["calibrate", "--epsilon-stride", "5"] + out)
        #expect(stride.status == 2 && stride.stderr.contains("need --epsilon-only"))
        let worker = try runFlexgen(["calibrate", "--epsilon-only", "--worker", "/bin/true"] + out)
        #expect(worker.status == 2 && worker.stderr.contains("--epsilon-only: needs the built-in model"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written-eps-epsilon.csv"))
    }
}
