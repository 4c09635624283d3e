import FlexGenModel
import Foundation

/// Every variant on one instance, side by side (`flexgen solve --compare`).
public struct VariantComparison: Sendable {
    public struct Entry: Sendable {
        public var variant: SolverVariant
        /// nil when the variant was skipped (see `note`).
        public var solution: Solution?
        /// Why it was skipped, or anything else worth a word.
        public var note: String?
        /// Wall time including the variant's own checks (s).
        public var timeS: Double
    }

    public var entries: [Entry]

    /// Runs `variants` (default: all) on `problem`. `exhaustive` runs only when the instance has at
    /// most `settings.exhaustiveLimit` assignments; otherwise it is listed as skipped.
    public init(problem: Problem, variants: [SolverVariant] = SolverVariant.allCases,
                settings: SolverSettings = SolverSettings()) throws {
        var entries: [Entry] = []
        for variant in variants {
            let start = Date()
            do {
                let solution = try FlexGenSolver(variant, settings: settings).solve(problem)
                entries.append(Entry(variant: variant, solution: solution, note: nil,
                                     timeS: Date().timeIntervalSince(start)))
            } catch SolverError.unsupported(let reason) {
                entries.append(Entry(variant: variant, solution: nil, note: "skipped: \(reason)",
                                     timeS: Date().timeIntervalSince(start)))
            }
        }
        self.entries = entries
    }

    /// A fixed-width table: variant, status, energy, energy relative to `flexgen`, gap, time.
    public var table: String {
        let reference = entries.first { $0.variant == .flexgen }?.solution?.totalEnergyJ
        func cell(_ s: String, _ width: Int) -> String {
            s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
        }
        var lines = [cell("solver", 12) + cell("status", 17) + cell("energy [J]", 16) + cell("vs flexgen", 12)
                     + cell("gap", 11) + "time [s]"]
        for entry in entries {
            guard let solution = entry.solution else {
                lines.append(cell(entry.variant.rawValue, 12) + cell("—", 17) + cell("—", 16) + cell("—", 12)
                             + cell("—", 11) + String(format: "%.4f", entry.timeS) + "  " + (entry.note ?? ""))
                continue
            }
            let energy = solution.totalEnergyJ.map { String(format: "%.9g", $0) } ?? "—"
            let ratio: String
            if let e = solution.totalEnergyJ, let r = reference, r > 0 {
                ratio = String(format: "%.4f×", e / r)
            } else {
                ratio = "—"
            }
            let gap = solution.gap.map { String(format: "%.2e", $0) } ?? "—"
            var line = cell(entry.variant.rawValue, 12) + cell(solution.status.rawValue, 17) + cell(energy, 16)
                + cell(ratio, 12) + cell(gap, 11) + String(format: "%.4f", entry.timeS)
            if let first = solution.diagnostics?.first, !solution.status.certifiesSolution {
                line += "  " + first.description
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
