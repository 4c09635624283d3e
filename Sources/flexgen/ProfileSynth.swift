import ArgumentParser
import Foundation
import FlexGen

extension ProfileCommand {
    /// `flexgen profile synth`: a menu from the parametric law; defaults give sd-like-512.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Synthesize a profile from quality = qinf + a w^-alpha + c s^-beta (or --law theory), "
                + "flops = s G (phi0 + (1-phi0) w^2) + decoder.",
            discussion: """
                Defaults are the sd-like-512 law: FID anchored on SD v1.4 / BK-SDM MS-COCO-30K \
                figures, FLOP on 1.68 TFLOP per guided U-Net step and 2.54 TFLOP for the VAE decoder \
                (see docs/model.md). --explain prints the anchoring fit to standard error. \
                --law theory uses quality = (sqrt(F1 + kappa K(w)) + c/s)^2 of docs/theory.md with the \
                given constants (--theory-floor, --theory-kappa, --theory-c and --kl-excess or --kl-slope); \
                the FLOP options apply to both laws.
                """)

        @Option(help: ArgumentHelp("Widths in (0,1], comma-separated.", valueName: "list"))
        var widths = "0.25,0.5,0.75,1"
        @Option(help: ArgumentHelp("Denoising steps >= 1, comma-separated.", valueName: "list"))
        var steps = "5,10,15,20,30,50"
        @Option(help: "Profile name (default: the sd-like-512 name when every law parameter is default).")
        var name: String?
        @Option(help: "q_inf.") var qInf: Double?
        @Option(help: "a (width coefficient).") var a: Double?
        @Option(help: "alpha (width exponent).") var alpha: Double?
        @Option(help: "c (steps coefficient).") var c: Double?
        @Option(help: "beta (steps exponent).") var beta: Double?
        @Option(help: "G: FLOP of one full-width denoising step.") var flopsPerStep: Double?
        @Option(help: "phi0: share of a step's work that does not shrink with width.") var phi0: Double?
        @Option(help: "Decoder FLOP per image.") var decoderFlops: Double?
        @Option(help: "Quality metric name.") var metric = "FID"
        @Option(help: "Which quality is better: lower or higher.") var better = "lower"
        @Flag(help: "Print the anchoring of the default law to standard error.") var explain = false
        @Option(help: "Quality law: power (q_inf + a w^-alpha + c s^-beta) or theory (docs/theory.md).") var law: SynthLaw = .power
        @OptionGroup var theory: TheoryLawOptions

        @OptionGroup var output: OutputOptions

        func powerLaw() -> ProfileLaw {
            var law = ProfileLaw.sdLike512
            if let qInf { law.qualityAsymptote = qInf }
            if let a { law.widthCoefficient = a }
            if let alpha { law.widthExponent = alpha }
            if let c { law.stepsCoefficient = c }
            if let beta { law.stepsExponent = beta }
            if let flopsPerStep { law.flopsPerStep = flopsPerStep }
            if let phi0 { law.widthIndependentFraction = phi0 }
            if let decoderFlops { law.decoderFlops = decoderFlops }
            law.metric = QualityMetric(name: metric, better: QualityMetric.Direction(rawValue: better) ?? .lower)
            return law
        }

        func validate() throws {
            let ws: [Double] = try parseList(widths, option: "--widths")
            let ss: [Int] = try parseList(steps, option: "--steps")
            guard ws.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 1 }) else { throw ValidationError("--widths: each must be in (0, 1]") }
            guard ss.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--steps: each must be >= 1") }
            guard Set(ws).count == ws.count, Set(ss).count == ss.count else {
                throw ValidationError("--widths/--steps: values must be distinct")
            }
            guard QualityMetric.Direction(rawValue: better) != nil else {
                throw ValidationError("--better: must be lower or higher, got \(better)")
            }
            for (flag, value) in [("--q-inf", qInf), ("--a", a), ("--alpha", alpha), ("--c", c), ("--beta", beta),
                                  ("--flops-per-step", flopsPerStep), ("--phi0", phi0), ("--decoder-flops", decoderFlops)] {
                if let value, !value.isFinite { throw ValidationError("\(flag): must be finite, got \(value)") }
            }
            if let flopsPerStep, !(flopsPerStep > 0) { throw ValidationError("--flops-per-step: must be > 0") }
            if let phi0, !(phi0 >= 0 && phi0 <= 1) { throw ValidationError("--phi0: must be in [0, 1]") }
            if let decoderFlops, !(decoderFlops >= 0) { throw ValidationError("--decoder-flops: must be >= 0") }
            try theory.validate(law: law, widths: ws)
            if law == .theory, [qInf, a, alpha, c, beta].contains(where: { $0 != nil }) {
                throw ValidationError("--q-inf/--a/--alpha/--c/--beta belong to --law power")
            }
        }

        func run() throws {
            let power = powerLaw()
            let isDefault = power == ProfileLaw.sdLike512 && law == .power
            let ws: [Double] = try parseList(widths, option: "--widths"), ss: [Int] = try parseList(steps, option: "--steps")
            let profile = switch law {
            case .power: power.profile(name: name ?? (isDefault ? ProfileLaw.sdLike512Name : "synthetic"), widths: ws, steps: ss)
            case .theory: try theory.law().profile(name: name ?? "synthetic (theory law)", metric: power.metric,
                                                   widths: ws, steps: ss, work: power)
            }
            if explain { printError(Self.anchoringReport()) }
            try profile.validate()
            try output.emit(try FlexGenJSON.encode(profile))
        }

        static func anchoringReport() -> String {
            let (law, rms) = SDLikeAnchoring.fit()
            var lines = ["sd-like-512 anchoring (FID at \(SDLikeAnchoring.anchorSteps) steps, width = sqrt(U-Net params / 0.86 B)):"]
            for anchor in SDLikeAnchoring.anchors {
                let w = SDLikeAnchoring.widthEquivalent(unetParamsB: anchor.unetParamsB)
                let fitted = law.quality(width: w, steps: SDLikeAnchoring.anchorSteps)
                lines.append("  \(anchor.model): params \(anchor.unetParamsB) B -> width \(num(w, 4)); "
                    + "published FID \(anchor.fid), law \(num(fitted, 4))")
            }
            lines.append("  fit: q_inf = \(num(law.qualityAsymptote, 6)), a = \(num(law.widthCoefficient, 6)), "
                + "alpha = \(law.widthExponent), c = \(law.stepsCoefficient), beta = \(law.stepsExponent); RMS residual \(num(rms, 3))")
            lines.append("  flops: G = \(num(law.flopsPerStep, 4)) FLOP/step, phi0 = \(law.widthIndependentFraction), "
                + "decoder = \(num(law.decoderFlops, 4)) FLOP; full model (w 1, s 50) = \(num(law.flops(width: 1, steps: 50), 5)) FLOP")
            let full = law.flops(width: 1, steps: 50)
            lines.append("energy anchoring (ML.ENERGY Leaderboard, 50 guided steps; the paper-default server's "
                + "e0 = \(num(EnergyAnchoring.energyPerFlopJ, 3)) J/FLOP, kappa = \(num(EnergyAnchoring.dvfsCoefficient, 3)), "
                + "per-job cap \(num(EnergyAnchoring.maxJobComputeRateFlopsPerS, 3)) FLOP/s):")
            for m in EnergyAnchoring.measurements {
                lines.append("  \(m.model) on \(m.gpu), batch \(m.batchSize): measured \(num(m.energyPerImageJ, 4)) J/image, "
                    + "\(num(m.secondsPerImage, 3)) s/image at \(num(m.averagePowerW, 3)) W; "
                    + "the full model's FLOP in that time = \(num(full / m.secondsPerImage, 3)) FLOP/s sustained")
            }
            let capRate = EnergyAnchoring.maxJobComputeRateFlopsPerS
            let atCap = EnergyAnchoring.modelEnergyJ(flops: full, rate: capRate)
            let atHalf = EnergyAnchoring.modelEnergyJ(flops: full, rate: capRate / 2)
            let oldAtCap = EnergyModel.computeEnergy(flops: full, rate: capRate, energyPerFlop: 1e-12, dvfsCoefficient: 4e-40)
            let oldSlow = EnergyModel.computeEnergy(flops: full, rate: 3.8e13, energyPerFlop: 1e-12, dvfsCoefficient: 4e-40)
            lines.append("  model, full model at the cap: \(num(atCap, 4)) J/image (\(num(full / capRate, 3)) s); "
                + "at half the cap: \(num(atHalf, 4)) J/image")
            lines.append("  old e0 = 1e-12, kappa = 4e-40: full model at the cap \(num(oldAtCap, 4)) J, at 3.8e13 FLOP/s \(num(oldSlow, 4)) J")
            return lines.joined(separator: "\n")
        }
    }
}
