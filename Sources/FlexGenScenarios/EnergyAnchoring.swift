import FlexGenModel

/// How the server's energy coefficients and per-job cap are anchored on measured energy per image
/// (problems/README.md, "Server"), kept as data so that `flexgen profile synth --explain` prints
/// the comparison and the docs can cite it.
///
/// Source: the ML.ENERGY Leaderboard's diffusion data (github.com/ml-energy/leaderboard,
/// data/diffusion/text-to-image/A100-SXM4-40GB/50/…/bsN.json): energy and latency per batch of
/// 50-step guided generations on one NVIDIA A100-SXM4-40GB, measured by the GPU's energy counter.
/// prompthero/openjourney-v4 is a fine-tune of SD v1.5 (same U-Net, 512×512): the model
/// sd-like-512's full configuration stands for.
public enum EnergyAnchoring {
    /// One measured point: model, batch size, batch latency (s), batch energy (J).
    public struct Measurement: Sendable {
        public var model: String
        public var gpu: String
        public var batchSize: Int
        public var batchLatencyS: Double
        public var batchEnergyJ: Double
        public var energyPerImageJ: Double { batchEnergyJ / Double(batchSize) }
        public var secondsPerImage: Double { batchLatencyS / Double(batchSize) }
        public var averagePowerW: Double { batchEnergyJ / batchLatencyS }
    }

    public static let measurements: [Measurement] = [
        .init(model: "openjourney-v4 (SD v1.5 U-Net, 512x512)", gpu: "A100-SXM4-40GB", batchSize: 8,
              batchLatencyS: 6.765909433364868, batchEnergyJ: 2610.5721000000367),
        .init(model: "openjourney-v4 (SD v1.5 U-Net, 512x512)", gpu: "A100-SXM4-40GB", batchSize: 1,
              batchLatencyS: 1.7336005449295044, batchEnergyJ: 499.50820000004023),
        .init(model: "stable-diffusion-2-1 (768x768)", gpu: "A100-SXM4-40GB", batchSize: 8,
              batchLatencyS: 14.34863576889038, batchEnergyJ: 5569.251699999999),
        .init(model: "stable-diffusion-2-1 (768x768)", gpu: "A100-SXM4-40GB", batchSize: 1,
              batchLatencyS: 2.2927879095077515, batchEnergyJ: 871.0938000000082),
    ]

    /// The anchor: the batch-8 SD v1.5 point (the efficient serving point of one accelerator).
    public static var anchor: Measurement { measurements[0] }

    /// Per-job cap f_max (FLOP/s): one accelerator's sustained rate on the anchor, the full
    /// model's 86.54 TFLOP in 0.846 s = 1.02e14, rounded down.
    public static let maxJobComputeRateFlopsPerS = 1.0e14
    /// κ (J·s²/FLOP³): the DVFS share of the energy per FLOP is 20 % at f_max (an assumption: the
    /// measurements do not separate it — the batch-1 point is slower AND costlier per FLOP, because
    /// idle silicon, not a lower clock, makes it slow).
    public static let dvfsCoefficient = 7.7e-41
    /// e0 (J/FLOP): the rest, so that e0 + κ f_max² = 3.77e-12 J/FLOP, the anchor's
    /// 326.3 J / 86.54 TFLOP.
    public static let energyPerFlopJ = 3.0e-12

    /// The server of the `paper-default` preset: ten such accelerators (F = 1e15 FLOP/s).
    public static let paperDefaultServer = Server(
        bandwidthHz: 20e6, noisePsdWPerHz: 3.98e-21, maxTxPowerW: 1.0, computeRateFlopsPerS: 1.0e15,
        energyPerFlopJ: energyPerFlopJ, dvfsCoefficient: dvfsCoefficient,
        maxJobComputeRateFlopsPerS: maxJobComputeRateFlopsPerS)

    /// The model's energy for `flops` run at rate f (J): C(e0 + κf²).
    public static func modelEnergyJ(flops: Double, rate: Double) -> Double {
        EnergyModel.computeEnergy(flops: flops, rate: rate, energyPerFlop: energyPerFlopJ, dvfsCoefficient: dvfsCoefficient)
    }
}
