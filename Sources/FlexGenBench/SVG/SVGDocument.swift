import Foundation  // String(format:)

/// A minimal SVG 1.1 writer: the figures are drawn by the toolkit itself, with no plotting
/// dependency, so that `flexgen bench` regenerates them anywhere Swift runs.
///
/// Elements are appended as already-formed XML strings built by the helpers below, which escape
/// every piece of text (`&`, `<`, `>`, `"`, `'`) and format every coordinate with 2 decimals;
/// a non-finite coordinate is a programming error caught by a precondition, never written.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public var text: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" "
        out += "viewBox=\"0 0 \(Self.f(width)) \(Self.f(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" fill=\"white\"/>\n"
        out += body.joined(separator: "\n")
        out += "\n</svg>\n"
        return out
    }

    // MARK: Primitives

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                              stroke: String = "black", width: Double = 1, dash: String? = nil, opacity: Double = 1) {
        var s = "<line x1=\"\(Self.f(x1))\" y1=\"\(Self.f(y1))\" x2=\"\(Self.f(x2))\" y2=\"\(Self.f(y2))\" stroke=\"\(Self.escape(stroke))\" stroke-width=\"\(Self.f(width))\""
        if let dash { s += " stroke-dasharray=\"\(Self.escape(dash))\"" }
        if opacity < 1 { s += " stroke-opacity=\"\(Self.f(opacity))\"" }
        body.append(s + "/>")
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double,
                              fill: String, stroke: String? = nil, opacity: Double = 1) {
        var s = "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(max(w, 0)))\" height=\"\(Self.f(max(h, 0)))\" fill=\"\(Self.escape(fill))\""
        if let stroke { s += " stroke=\"\(Self.escape(stroke))\"" }
        if opacity < 1 { s += " fill-opacity=\"\(Self.f(opacity))\"" }
        body.append(s + "/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil) {
        guard points.count >= 2 else { return }
        let coords = points.map { "\(Self.f($0.0)),\(Self.f($0.1))" }.joined(separator: " ")
        var s = "<polyline points=\"\(coords)\" fill=\"none\" stroke=\"\(Self.escape(stroke))\" stroke-width=\"\(Self.f(width))\" stroke-linejoin=\"round\""
        if let dash { s += " stroke-dasharray=\"\(Self.escape(dash))\"" }
        body.append(s + "/>")
    }

    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        guard points.count >= 3 else { return }
        let coords = points.map { "\(Self.f($0.0)),\(Self.f($0.1))" }.joined(separator: " ")
        body.append("<polygon points=\"\(coords)\" fill=\"\(Self.escape(fill))\" fill-opacity=\"\(Self.f(opacity))\" stroke=\"none\"/>")
    }

    public mutating func circle(_ cx: Double, _ cy: Double, r: Double, fill: String, stroke: String? = nil) {
        var s = "<circle cx=\"\(Self.f(cx))\" cy=\"\(Self.f(cy))\" r=\"\(Self.f(r))\" fill=\"\(Self.escape(fill))\""
        if let stroke { s += " stroke=\"\(Self.escape(stroke))\"" }
        body.append(s + "/>")
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ string: String, x: Double, y: Double, size: Double = 12,
                              anchor: Anchor = .start, rotate: Double? = nil, bold: Bool = false, fill: String = "black") {
        var s = "<text x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" font-size=\"\(Self.f(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(Self.escape(fill))\""
        if bold { s += " font-weight=\"bold\"" }
        if let rotate { s += " transform=\"rotate(\(Self.f(rotate)) \(Self.f(x)) \(Self.f(y)))\"" }
        body.append(s + ">\(Self.escape(string))</text>")
    }

    /// A marker of one of several shapes (so series stay apart in greyscale prints).
    public mutating func marker(_ shape: Int, x: Double, y: Double, size: Double = 4, color: String) {
        switch shape % 5 {
        case 0: circle(x, y, r: size, fill: color)
        case 1: rect(x - size, y - size, 2 * size, 2 * size, fill: color)
        case 2: polygon([(x, y - size * 1.2), (x + size * 1.1, y + size * 0.8), (x - size * 1.1, y + size * 0.8)], fill: color, opacity: 1)
        case 3: polygon([(x, y - size * 1.3), (x + size * 1.3, y), (x, y + size * 1.3), (x - size * 1.3, y)], fill: color, opacity: 1)
        default: circle(x, y, r: size, fill: "white", stroke: color)
        }
    }

    /// Opens a group translated by (dx, dy); close it with `endGroup()`.
    public mutating func beginGroup(dx: Double, dy: Double) {
        body.append("<g transform=\"translate(\(Self.f(dx)) \(Self.f(dy)))\">")
    }

    public mutating func endGroup() { body.append("</g>") }

    // MARK: Formatting

    /// Escapes the five XML special characters.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }

    static func f(_ v: Double) -> String {
        precondition(v.isFinite, "non-finite SVG coordinate")
        let s = String(format: "%.2f", v)
        return s == "-0.00" ? "0.00" : s
    }
}

/// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
public enum Palette {
    public static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
    public static func color(_ i: Int) -> String { colors[i % colors.count] }
}
