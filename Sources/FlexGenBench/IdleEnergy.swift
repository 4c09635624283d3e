import FlexGenModel

/// The server's idle energy over one planning frame, added to every variant's energy for the
/// second set of ratios in the report (benchmarks/README.md, "Idle power").
///
/// Model: the server is a pool of F / f_acc accelerators, f_acc the per-job cap when the
/// instance states one (one job runs on one accelerator) and `acceleratorRateFlopsPerS`
/// otherwise; each draws `wattsPerAccelerator` while idle. The frame is the instance's longest
/// deadline max_k T_k: the server must stay on until the last image is delivered.
///     E_idle = wattsPerAccelerator · (F / f_acc) · max_k T_k      (J)
/// It is the same for every variant of an instance (no decision changes it), so it leaves every
/// decision alone and only shrinks the ratios towards 1. 0 for an instance without clients.
public enum IdleEnergy {
    /// Idle draw of one A100-SXM4-class accelerator (W): an assumption (nvidia-smi shows
    /// 50–60 W on an idle A100-SXM4; no published measurement is cited), stated where it is used.
    public static let wattsPerAccelerator = 50.0
    /// Sustained SD-class rate of one such accelerator (FLOP/s), as in problems/README.md.
    public static let acceleratorRateFlopsPerS = 1.0e14

    /// Idle power of the whole server (W).
    public static func powerW(_ server: Server) -> Double {
        wattsPerAccelerator * server.computeRateFlopsPerS / (server.maxJobComputeRateFlopsPerS ?? acceleratorRateFlopsPerS)
    }

    /// The frame: the longest deadline (s); 0 without clients.
    public static func frameS(_ problem: Problem) -> Double {
        problem.clients.map(\.deadlineS).max() ?? 0
    }

    /// E_idle (J).
    public static func energyJ(_ problem: Problem) -> Double { powerW(problem.server) * frameS(problem) }
}
