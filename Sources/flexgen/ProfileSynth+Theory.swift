import ArgumentParser
import Foundation
import FlexGen

/// Which quality law `flexgen profile synth` evaluates.
enum SynthLaw: String, ExpressibleByArgument, CaseIterable {
    /// q∞ + a·w^−α + c·s^−β (`ProfileLaw`).
    case power
    /// (√(F₁ + κ·K(w)) + c/s)² from docs/theory.md (`TheoryQualityLaw`).
    case theory
}

/// The constants of `--law theory` (docs/theory.md; `flexgen calibrate --theory` fits and prints them).
struct TheoryLawOptions: ParsableArguments {
    @Option(name: .customLong("theory-floor"), help: "F1: the FD at full width and infinitely many steps (--law theory).")
    var floor: Double?
    @Option(name: .customLong("theory-kappa"), help: "kappa: FD per nat of KL excess (--law theory).")
    var kappa: Double?
    @Option(name: .customLong("theory-c"), help: "c: the sampler's discretisation constant, sqrt(FD) x steps (--law theory).")
    var stepsCoefficient: Double?
    @Option(name: .customLong("kl-excess"), help: ArgumentHelp(
        "Measured K(w) per width, width:K comma-separated (flexgen calibrate --theory writes them to PROFILE-epsilon.csv, column kl_excess); every --widths value needs one (--law theory).",
        valueName: "list"))
    var klExcess: String?
    @Option(name: .customLong("kl-slope"), help: "k in K(w) = k (1/w - 1), for widths never measured; excludes --kl-excess (--law theory).")
    var klSlope: Double?

    var anyGiven: Bool { floor != nil || kappa != nil || stepsCoefficient != nil || klExcess != nil || klSlope != nil }

    /// The K(w) table from `--kl-excess`.
    func table() throws -> [Double: Double] {
        guard let klExcess else { return [:] }
        var table: [Double: Double] = [:]
        for part in klExcess.split(separator: ",") {
            let pair = part.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let w = Double(pair[0]), let k = Double(pair[1]) else {
                throw ValidationError("--kl-excess: cannot read \"\(part)\" (expected width:K)")
            }
            guard w.isFinite && w > 0 && w <= 1 else { throw ValidationError("--kl-excess: width \(pair[0]) is not in (0, 1]") }
            guard k.isFinite else { throw ValidationError("--kl-excess: K at width \(pair[0]) must be finite") }
            guard table[w] == nil else { throw ValidationError("--kl-excess: width \(pair[0]) given twice") }
            table[w] = k
        }
        return table
    }

    /// Checks the options for `--law theory` over `widths`; for `--law power`, that none is given.
    func validate(law: SynthLaw, widths: [Double]) throws {
        guard law == .theory else {
            if anyGiven { throw ValidationError("--theory-floor/--theory-kappa/--theory-c/--kl-excess/--kl-slope need --law theory") }
            return
        }
        for (flag, value) in [("--theory-floor", floor), ("--theory-kappa", kappa), ("--theory-c", stepsCoefficient)] {
            guard let value else { throw ValidationError("\(flag): required with --law theory") }
            guard value.isFinite else { throw ValidationError("\(flag): must be finite, got \(value)") }
        }
        if let kappa, kappa < 0 { throw ValidationError("--theory-kappa: must be >= 0 (quality must not improve as width shrinks), got \(kappa)") }
        if let stepsCoefficient, stepsCoefficient < 0 { throw ValidationError("--theory-c: must be >= 0, got \(stepsCoefficient)") }
        switch (klExcess, klSlope) {
        case (nil, nil): throw ValidationError("--law theory: give --kl-excess (measured K per width) or --kl-slope")
        case (.some, .some): throw ValidationError("--kl-excess and --kl-slope exclude each other")
        case (nil, .some(let k)):
            guard k.isFinite && k >= 0 else { throw ValidationError("--kl-slope: must be finite and >= 0, got \(k)") }
        case (.some, nil):
            let table = try table()
            if let missing = widths.first(where: { table[$0] == nil }) {
                throw ValidationError("--kl-excess: no K for width \(missing) of --widths")
            }
        }
    }

    func law() throws -> TheoryQualityLaw {
        let widthTerm: TheoryQualityLaw.WidthTerm = if let klSlope { .inverseWidth(slope: klSlope) } else { .measured(try table()) }
        return TheoryQualityLaw(floor: floor!, kappa: kappa!, stepsCoefficient: stepsCoefficient!, widthTerm: widthTerm)
    }
}
