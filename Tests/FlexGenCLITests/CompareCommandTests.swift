import Foundation
import Testing

/// `flexgen solve --compare`: every variant side by side.
struct CompareCommandTests {
    private static let variants = ["flexgen", "exhaustive", "full-model", "steps-only", "width-only", "equal-share", "greedy"]

    @Test func tinyInstanceListsEveryVariantWithEnergies() throws {
        let result = try runFlexgen(["solve", "problems/tiny-3.json", "--compare"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for name in Self.variants {
            let line = try #require(lines.first { $0.hasPrefix(name + " ") }, "no row for \(name)")
            // Every variant solves tiny-3 (it is small and loose): a status and an energy in J.
            #expect(line.contains("optimal") || line.contains("feasible"), "\(line)")
        }
        // FlexGen is the reference: its row reads 1.0000×.
        #expect(lines.first { $0.hasPrefix("flexgen ") }?.contains("1.0000×") == true)
    }

    /// On a 20-client instance the exhaustive oracle is skipped, with the reason.
    @Test func exhaustiveIsSkippedWhenLarge() throws {
        let result = try runFlexgen(["solve", "problems/paper-default.json", "--compare"])
        #expect(result.status == 0, "\(result.stderr)")
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("exhaustive ") })
        #expect(row.contains("skipped"))
    }

    @Test func compareRejectsJSONOutput() throws {
        let result = try runFlexgen(["solve", "problems/tiny-3.json", "--compare", "--json"])
        #expect(result.status == 2)
    }
}
