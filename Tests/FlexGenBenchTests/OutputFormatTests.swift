import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import FlexGenBench

@Suite struct OutputFormatTests {
    @Test func csvEscaping() {
        #expect(CSVTable.escape("plain") == "plain")
        #expect(CSVTable.escape("a,b") == "\"a,b\"")
        #expect(CSVTable.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSVTable.escape(" padded") == "\" padded\"")
        #expect(CSVTable.escape("") == "")
        #expect(CSVTable.number(Double.nan) == "")
        #expect(CSVTable.number(-Double.infinity) == "")
        #expect(CSVTable.number(Optional<Double>.none) == "")
        #expect(CSVTable.number(0.1) == "0.1")
        var t = CSVTable(header: ["x", "note"])
        t.append(["1", "a, \"b\""])
        #expect(t.text == "x,note\n1,\"a, \"\"b\"\"\"\n")
    }

    @Test func axisTicks() {
        let linear = Axis(scale: .linear, dataMin: 3, dataMax: 97, includeZero: true)
        #expect(linear.lower == 0 && linear.upper == 100)
        #expect(linear.ticks == [0, 20, 40, 60, 80, 100])
        let log = Axis(scale: .log10, dataMin: 3, dataMax: 700)
        #expect(log.lower == 1 && log.upper == 1000)
        #expect(log.ticks == [1, 10, 100, 1000])
        #expect(log.position(10)! > 0.333 && log.position(10)! < 0.334)
        #expect(log.position(0) == nil && log.position(-1) == nil && log.position(.nan) == nil)
        let short = Axis(scale: .log10, dataMin: 2, dataMax: 30)
        #expect(short.ticks == [1, 2, 5, 10, 20, 50, 100])
        #expect(linear.label(1e6) == "1e6" && linear.label(0.5) == "0.5" && linear.label(20) == "20")
        #expect(linear.label(1e5) == "1e5" && linear.label(20_000) == "20000" && linear.label(2e-4) == "2e-4")
        // A degenerate range is widened, not divided by zero.
        let flat = Axis(scale: .linear, dataMin: 5, dataMax: 5)
        #expect(flat.upper > flat.lower)
    }

    /// Parses `svg` as XML; returns the parse error, if any, and the element count.
    static func parse(_ svg: String) -> (error: String?, elements: Int, texts: [String]) {
        final class Delegate: NSObject, XMLParserDelegate {
            var elements = 0
            var texts: [String] = []
            var current = ""
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String] = [:]) {
                elements += 1
                current = ""
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                if name == "text" { texts.append(current) }
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let delegate = Delegate()
        parser.delegate = delegate
        let ok = parser.parse()
        return (ok ? nil : String(describing: parser.parserError), delegate.elements, delegate.texts)
    }

    @Test func figuresAreWellFormedXMLWithEscapedText() {
        let chart = LineChart(
            title: "E <vs> K & \"friends\"", xLabel: "clients K", yLabel: "energy (kJ)", xScale: .log10, yScale: .log10,
            series: [ChartSeries(name: "a<b", points: [ChartPoint(x: 10, y: 1, low: 0.5, high: 1.5),
                                                     ChartPoint(x: 100, y: .nan), ChartPoint(x: 1000, y: 20)]),
                     ChartSeries(name: "empty", points: [])],
            uncertainty: .band, yIncludesZero: false)
        let bars = StackedBarChart(title: "shares", xLabel: "tier", yLabel: "share", categories: ["FID ≤ 16", "none"],
                                   segments: ["w 0.5", "w 1"], fractions: [[0.25, 0.75], [1, 0]])
        let svg = Figure(panels: [chart, bars]).svg
        let (error, elements, texts) = Self.parse(svg)
        #expect(error == nil)
        #expect(elements > 20)
        #expect(texts.contains("E <vs> K & \"friends\""))
        #expect(texts.contains("a<b"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }
}

@Suite struct AxisSnapTests {
    @Test func unsnappedAxisKeepsItsRangeAndTicksInside() {
        let x = Axis(scale: .linear, dataMin: 1.2, dataMax: 103.8, snap: false)
        #expect(x.lower == 1.2 && x.upper == 103.8)
        #expect(x.ticks == [20, 40, 60, 80, 100])
    }
}
