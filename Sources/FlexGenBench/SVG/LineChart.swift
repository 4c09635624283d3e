/// A point of a series, with an optional uncertainty interval [low, high] (e.g. a 95 % CI).
public struct ChartPoint: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var low: Double?
    public var high: Double?
    public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
        self.x = x; self.y = y; self.low = low; self.high = high
    }
}

public struct ChartSeries: Sendable {
    public var name: String
    public var points: [ChartPoint]
    public var dashed: Bool
    public init(name: String, points: [ChartPoint], dashed: Bool = false) {
        self.name = name; self.points = points; self.dashed = dashed
    }
}

/// Something that draws itself into a rectangle of a document.
public protocol ChartPanel: Sendable {
    func draw(into svg: inout SVGDocument, x: Double, y: Double, width: Double, height: Double)
}

/// Lines with markers over linear or log axes, with error bars or shaded bands, and a legend.
/// Points that the axis cannot show (non-finite, or ≤ 0 on a log axis) are skipped and break the
/// line rather than being drawn at a fake position.
public struct LineChart: ChartPanel {
    public enum Uncertainty: Sendable { case none, errorBars, band }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var series: [ChartSeries]
    public var uncertainty: Uncertainty
    /// Whether the linear y axis must include 0 (energies: yes, so ratios read honestly).
    public var yIncludesZero: Bool
    /// Optional categorical tick labels for x (value → label).
    public var xTickLabels: [(Double, String)]?

    public init(title: String, xLabel: String, yLabel: String, xScale: AxisScale = .linear,
                yScale: AxisScale = .linear, series: [ChartSeries], uncertainty: Uncertainty = .errorBars,
                yIncludesZero: Bool = true, xTickLabels: [(Double, String)]? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.xScale = xScale; self.yScale = yScale; self.series = series
        self.uncertainty = uncertainty; self.yIncludesZero = yIncludesZero; self.xTickLabels = xTickLabels
    }

    func usable(_ v: Double, _ scale: AxisScale) -> Bool { v.isFinite && (scale == .linear || v > 0) }

    public func draw(into svg: inout SVGDocument, x: Double, y: Double, width: Double, height: Double) {
        let xs = series.flatMap { $0.points.map(\.x) }.filter { usable($0, xScale) }
        var ys = series.flatMap { $0.points.map(\.y) }
        if uncertainty != .none {
            ys += series.flatMap { $0.points.compactMap(\.low) } + series.flatMap { $0.points.compactMap(\.high) }
        }
        ys = ys.filter { usable($0, yScale) }
        let xAxis: Axis
        if let labels = xTickLabels, !labels.isEmpty {
            let vals = labels.map(\.0)
            let pad = vals.count > 1 ? (vals.max()! - vals.min()!) * 0.08 : 0.5
            xAxis = Axis(scale: .linear, dataMin: vals.min()! - pad, dataMax: vals.max()! + pad, snap: false)
        } else {
            // A little room at both ends so that markers and error bars are not cut by the frame.
            let lo = xs.min() ?? 0, hi = xs.max() ?? 1
            let pad = xScale == .linear ? (hi - lo) * 0.04 : 0
            xAxis = Axis(scale: xScale, dataMin: lo - pad, dataMax: hi + pad, snap: false)
        }
        let yAxis = Axis(scale: yScale, dataMin: ys.min() ?? 0, dataMax: ys.max() ?? 1,
                         includeZero: yIncludesZero && yScale == .linear)

        let left = x + 70, right = x + width - 20
        let legend = LegendLayout(names: series.map(\.name), width: right - left)
        let top = y + 36, bottom = y + height - 52 - legend.height
        let plotW = right - left, plotH = bottom - top
        func px(_ v: Double) -> Double? {
            if let labels = xTickLabels, !labels.isEmpty { return xAxis.position(v).map { left + $0 * plotW } }
            return xAxis.position(v).map { left + $0 * plotW }
        }
        func py(_ v: Double) -> Double? { yAxis.position(v).map { bottom - $0 * plotH } }

        svg.text(title, x: x + width / 2, y: y + 20, size: 14, anchor: .middle, bold: true)
        // Grid and ticks.
        for t in yAxis.ticks {
            guard let p = py(t) else { continue }
            svg.line(left, p, right, p, stroke: "#dddddd", width: 0.8)
            svg.line(left - 4, p, left, p)
            svg.text(yAxis.label(t), x: left - 7, y: p + 4, size: 11, anchor: .end)
        }
        let xTicks: [(Double, String)] = xTickLabels ?? xAxis.ticks.map { ($0, xAxis.label($0)) }
        for (t, label) in xTicks {
            guard let p = px(t), p >= left - 0.5, p <= right + 0.5 else { continue }
            svg.line(p, top, p, bottom, stroke: "#eeeeee", width: 0.8)
            svg.line(p, bottom, p, bottom + 4)
            svg.text(label, x: p, y: bottom + 17, size: 11, anchor: .middle)
        }
        svg.line(left, bottom, right, bottom)
        svg.line(left, top, left, bottom)
        svg.text(xLabel, x: (left + right) / 2, y: bottom + 38, size: 12, anchor: .middle)
        svg.text(yLabel, x: x + 16, y: (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)

        // The first series (the reference) is drawn last, on top, and thicker.
        for (i, s) in series.enumerated().reversed() {
            let color = Palette.color(i)
            let lineWidth = i == 0 ? 2.6 : 1.5
            let pts = s.points.sorted { $0.x < $1.x }
            if uncertainty == .band {
                var upperEdge: [(Double, Double)] = [], lowerEdge: [(Double, Double)] = []
                for p in pts {
                    guard let lo = p.low, let hi = p.high, let X = px(p.x), let Y0 = py(lo), let Y1 = py(hi) else { continue }
                    upperEdge.append((X, Y1)); lowerEdge.append((X, Y0))
                }
                svg.polygon(upperEdge + lowerEdge.reversed(), fill: color, opacity: 0.18)
            }
            // Lines break where a point is not drawable (e.g. a variant infeasible at every seed).
            var run: [(Double, Double)] = []
            for p in pts {
                if let X = px(p.x), let Y = py(p.y) { run.append((X, Y)) } else {
                    svg.polyline(run, stroke: color, width: lineWidth, dash: s.dashed ? "6 4" : nil); run = []
                }
            }
            svg.polyline(run, stroke: color, width: lineWidth, dash: s.dashed ? "6 4" : nil)
            for p in pts {
                guard let X = px(p.x), let Y = py(p.y) else { continue }
                if uncertainty == .errorBars, let lo = p.low, let hi = p.high, let Y0 = py(lo), let Y1 = py(hi) {
                    svg.line(X, Y0, X, Y1, stroke: color, width: 1.2)
                    svg.line(X - 3, Y0, X + 3, Y0, stroke: color, width: 1.2)
                    svg.line(X - 3, Y1, X + 3, Y1, stroke: color, width: 1.2)
                }
                svg.marker(i, x: X, y: Y, size: i == 0 ? 4.5 : 3.5, color: color)
            }
            // Legend entry, in rows under the axis label.
            let (ex, row) = legend.positions[i]
            let lx = left + ex, ly = bottom + 58 + Double(row) * LegendLayout.rowHeight
            svg.line(lx, ly, lx + 20, ly, stroke: color, width: 1.5, dash: s.dashed ? "6 4" : nil)
            svg.marker(i, x: lx + 10, y: ly, size: 3.5, color: color)
            svg.text(s.name, x: lx + 26, y: ly + 4, size: 11)
        }
    }
}

/// Stacked bars of fractions (each bar sums to 1): e.g. the share of each width among the
/// clients of a quality tier.
public struct StackedBarChart: ChartPanel {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var segments: [String]
    /// fractions[category][segment]
    public var fractions: [[Double]]

    public init(title: String, xLabel: String, yLabel: String, categories: [String], segments: [String], fractions: [[Double]]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.categories = categories; self.segments = segments; self.fractions = fractions
    }

    public func draw(into svg: inout SVGDocument, x: Double, y: Double, width: Double, height: Double) {
        let left = x + 70, right = x + width - 20
        let legend = LegendLayout(names: segments, width: right - left)
        let top = y + 36, bottom = y + height - 52 - legend.height
        let plotW = right - left, plotH = bottom - top
        svg.text(title, x: x + width / 2, y: y + 20, size: 14, anchor: .middle, bold: true)
        for t in stride(from: 0.0, through: 1.0001, by: 0.25) {
            let p = bottom - t * plotH
            svg.line(left, p, right, p, stroke: "#dddddd", width: 0.8)
            svg.line(left - 4, p, left, p)
            svg.text("\(Int((t * 100).rounded()))%", x: left - 7, y: p + 4, size: 11, anchor: .end)
        }
        let slot = plotW / Double(max(categories.count, 1))
        for (c, name) in categories.enumerated() {
            let bx = left + Double(c) * slot + slot * 0.2
            var acc = 0.0
            for (s, _) in segments.enumerated() {
                let f = c < fractions.count && s < fractions[c].count && fractions[c][s].isFinite ? fractions[c][s] : 0
                guard f > 0 else { continue }
                svg.rect(bx, bottom - (acc + f) * plotH, slot * 0.6, f * plotH, fill: Palette.color(s), stroke: "white")
                acc += f
            }
            svg.text(name, x: bx + slot * 0.3, y: bottom + 17, size: 11, anchor: .middle)
        }
        svg.line(left, bottom, right, bottom)
        svg.line(left, top, left, bottom)
        svg.text(xLabel, x: (left + right) / 2, y: bottom + 38, size: 12, anchor: .middle)
        svg.text(yLabel, x: x + 16, y: (top + bottom) / 2, size: 12, anchor: .middle, rotate: -90)
        for (s, name) in segments.enumerated() {
            let (ex, row) = legend.positions[s]
            let lx = left + ex, ly = bottom + 58 + Double(row) * LegendLayout.rowHeight
            svg.rect(lx, ly - 6, 20, 12, fill: Palette.color(s))
            svg.text(name, x: lx + 26, y: ly + 4, size: 11)
        }
    }
}

/// Panels side by side in one SVG.
public struct Figure: Sendable {
    public var panels: [any ChartPanel]
    public var panelWidth: Double
    public var panelHeight: Double

    public init(panels: [any ChartPanel], panelWidth: Double = 640, panelHeight: Double = 400) {
        self.panels = panels; self.panelWidth = panelWidth; self.panelHeight = panelHeight
    }

    public var svg: String {
        var doc = SVGDocument(width: panelWidth * Double(max(panels.count, 1)), height: panelHeight)
        for (i, panel) in panels.enumerated() {
            panel.draw(into: &doc, x: Double(i) * panelWidth, y: 0, width: panelWidth, height: panelHeight)
        }
        return doc.text
    }
}

/// Legend entries packed left to right in rows under a chart (so long names never squeeze the plot).
struct LegendLayout {
    static let rowHeight = 17.0
    /// (x offset from the plot's left edge, row) per entry.
    var positions: [(Double, Int)] = []
    var rows = 0
    /// Vertical space the legend needs.
    var height: Double { Double(rows) * Self.rowHeight + (rows > 0 ? 6 : 0) }

    init(names: [String], width: Double) {
        var x = 0.0, row = 0
        for name in names {
            let w = 26 + Double(name.count) * 6.6 + 16  // marker, text at 11 px, gap
            if x > 0, x + w > width { x = 0; row += 1 }
            positions.append((x, row))
            x += w
        }
        rows = names.isEmpty ? 0 : row + 1
    }
}
