import Foundation  // log10, pow, floor, ceil

/// How an axis maps data to the page.
public enum AxisScale: String, Sendable, Hashable {
    case linear
    /// Base-10 logarithmic; non-positive data cannot be shown and are skipped by the charts.
    case log10
}

/// A data range and its ticks.
///
/// Contract:
/// - linear: the range is padded to "nice" multiples of a step 1, 2 or 5 × 10^k chosen so that
///   there are 4 … 8 ticks; a degenerate range [a, a] is widened to [a − 1, a + 1] (or ±|a|/10).
/// - log10: the range is widened to whole decades; ticks at every decade, plus 2 and 5 times the
///   decade when the range spans at most two decades (so a short log axis still has labels).
/// `position(_:)` maps a value to [0, 1] along the axis (0 at `lower`).
public struct Axis: Sendable {
    public let scale: AxisScale
    public let lower: Double
    public let upper: Double
    public let ticks: [Double]

    /// - Parameter snap: linear only: widen the range to whole ticks (y axes) or keep it exactly
    ///   [dataMin, dataMax] with the nice ticks that fall inside (x axes, already padded by the caller).
    public init(scale: AxisScale, dataMin: Double, dataMax: Double, includeZero: Bool = false, snap: Bool = true) {
        self.scale = scale
        switch scale {
        case .linear:
            var lo = includeZero ? min(dataMin, 0) : dataMin
            var hi = includeZero ? max(dataMax, 0) : dataMax
            if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
            if hi - lo <= 0 {
                let pad = lo == 0 ? 1 : abs(lo) / 10
                lo -= pad; hi += pad
            }
            let step = Self.niceStep(span: hi - lo, targetTicks: 5)
            let first = snap ? floor(lo / step + 1e-9) * step : ceil(lo / step - 1e-9) * step
            let last = snap ? ceil(hi / step - 1e-9) * step : floor(hi / step + 1e-9) * step
            lower = snap ? first : lo
            upper = snap ? last : hi
            var t: [Double] = []
            var v = first
            while v <= last + step * 1e-6 {
                t.append(abs(v) < step * 1e-9 ? 0 : v)
                v += step
            }
            ticks = t
        case .log10:
            var lo = dataMin > 0 && dataMin.isFinite ? dataMin : 1
            var hi = dataMax > 0 && dataMax.isFinite ? dataMax : lo * 10
            if hi < lo { swap(&lo, &hi) }
            var e0 = floor(Foundation.log10(lo) + 1e-9)
            var e1 = ceil(Foundation.log10(hi) - 1e-9)
            if e1 <= e0 { e0 -= 0; e1 = e0 + 1 }
            lower = pow(10, e0)
            upper = pow(10, e1)
            var t: [Double] = []
            let dense = e1 - e0 <= 2
            var e = e0
            while e <= e1 {
                let decade = pow(10, e)
                t.append(decade)
                if dense && e < e1 { t.append(2 * decade); t.append(5 * decade) }
                e += 1
            }
            ticks = t
        }
    }

    /// 1, 2 or 5 × 10^k closest to span / targetTicks.
    static func niceStep(span: Double, targetTicks: Int) -> Double {
        let raw = span / Double(targetTicks)
        let magnitude = pow(10, floor(Foundation.log10(raw)))
        let residual = raw / magnitude
        let nice: Double = residual < 1.5 ? 1 : residual < 3.5 ? 2 : residual < 7.5 ? 5 : 10
        return nice * magnitude
    }

    /// Fraction along the axis; nil for a value the axis cannot show (non-finite, or ≤ 0 on a log axis).
    public func position(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear:
            return (value - lower) / (upper - lower)
        case .log10:
            guard value > 0 else { return nil }
            return (Foundation.log10(value) - Foundation.log10(lower)) / (Foundation.log10(upper) - Foundation.log10(lower))
        }
    }

    /// A tick label: plain decimals from 1e-3 to below 1e5, `1e5`-style outside.
    public func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let e = Int(floor(Foundation.log10(abs(value)) + 1e-9))
        if e < -3 || e > 4 {
            let mantissa = value / pow(10, Double(e))
            let m = abs(mantissa - mantissa.rounded()) < 1e-6 ? "\(Int(mantissa.rounded()))" : String(format: "%.1f", mantissa)
            return m == "1" ? "1e\(e)" : "\(m)e\(e)"
        }
        if abs(value - value.rounded()) < 1e-9 * max(1, abs(value)) { return "\(Int(value.rounded()))" }
        let decimals = max(0, -e + 2)
        var s = String(format: "%.\(decimals)f", value)
        while s.contains("."), s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
