import Foundation

extension EpsilonErrorProfile {
    /// One row per width: active units, uniform-t ε-MSE and the KL-weighted sum (means and 95 %
    /// CIs over seeds), and both as paired excesses over width 1 when width 1 was measured.
    public var csv: String {
        var out = "width,active_units,eps_mse_uniform,eps_mse_uniform_ci95,eps_mse_excess,eps_mse_excess_ci95,kl_weighted,kl_weighted_ci95,kl_excess,kl_excess_ci95\n"
        for w in widths {
            let u = uniformExcess(w.width), k = klExcess(w.width)
            out += "\(w.width),\(w.activeUnits),\(w.uniformMSE),\(w.uniformCI95),\(u.map { "\($0.mean)" } ?? ""),\(u.map { "\($0.ci95)" } ?? ""),"
            out += "\(w.klWeighted),\(w.klCI95),\(k.map { "\($0.mean)" } ?? ""),\(k.map { "\($0.ci95)" } ?? "")\n"
        }
        return out
    }

    /// m_t(w) per grid timestep (seed 0's timesteps; later seeds use the same blocks at other
    /// offsets): columns t, then one per width.
    public var perTimestepCSV: String {
        var out = "t," + widths.map { "mse_w\($0.width)" }.joined(separator: ",") + "\n"
        for (i, t) in timesteps.enumerated() {
            out += "\(t)," + widths.map { "\($0.perTimestep[i])" }.joined(separator: ",") + "\n"
        }
        return out
    }
}
