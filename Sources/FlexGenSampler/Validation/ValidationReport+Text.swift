import Foundation

extension ValidationReport {
    /// A human-readable report: configurations, clients, targets, verdict.
    public var text: String {
        var out = "validate \(problem): \(metric.name) (\(metric.better.rawValue) is better), \(seeds.count) seeds × \(samplesPerSeed) images per configuration, 95 % CI\n"
        out += "calibrated rate: " + (timingSource.map { "FLOP per image / time per image measured by `flexgen calibrate` on this machine (\($0))" }
                                      ?? "none found (run `flexgen calibrate`); predicted times omitted") + "\n\n"
        out += "configuration      profile   measured ± CI95     label acc  ms/image  predicted  ratio\n"
        for c in configurations {
            let predicted = c.predictedSecondsPerImage.map { String(format: "%9.4f", 1e3 * $0) } ?? "        –"
            let ratio = c.predictedSecondsPerImage.map { String(format: "%5.2f", c.measuredSecondsPerImage / $0) } ?? "    –"
            out += String(format: "w %-5g s %-4d  %9.3f  %9.3f ± %-7.3f  %7.1f %%  %8.4f  ",
                          c.width, c.steps, c.profileQuality, c.qualityMean, c.qualityCI95, 100 * c.labelAccuracy,
                          1e3 * c.measuredSecondsPerImage) + predicted + "  " + ratio + "\n"
        }
        out += "\nclient        config          requirement  realised ± CI95        verdict              compute: measured / predicted / planned (s)\n"
        for c in clients {
            let requirement = c.requirement.map { String(format: "%11.3f", $0) } ?? "          –"
            let predicted = c.predictedComputeS.map { String(format: "%.3g", $0) } ?? "–"
            out += Self.padded(c.id, 12) + String(format: "  w %-5g s %-4d  ", c.width, c.steps) + requirement
                + String(format: "  %9.3f ± %-7.3f  ", c.realisedQuality, c.realisedCI95) + Self.padded(c.verdict.rawValue, 19)
                + String(format: "  %.3g / ", c.measuredComputeS) + predicted + String(format: " / %.3g\n", c.plannedComputeS)
        }
        for t in serviceTargets {
            out += String(format: "service target %d (%d clients): target %.3f, realised mean %.3f ± %.3f: ",
                          t.index, t.clients.count, t.target, t.realisedMean, t.realisedCI95) + t.verdict.rawValue + "\n"
        }
        let violated = clients.filter { $0.verdict == .violated }.map(\.id)
        let targets = serviceTargets.filter { $0.verdict == .violated }.map { "target \($0.index)" }
        out += hasViolation
            ? "\nVIOLATION: quality missed beyond the CI for " + (violated + targets).joined(separator: ", ") + "\n"
            : "\nOK: no requirement or target is missed beyond its confidence interval\n"
        return out
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
