import Foundation
import FlexGen

/// `flexgen check`'s human table.
enum CheckTable {
    /// The report as `emit` writes it: its lines joined by newlines, with a final newline.
    static func renderData(problem: Problem, solution: Solution, evaluation e: Evaluation) -> Data {
        var out: [UInt8] = []
        render(problem: problem, solution: solution, evaluation: e, into: &out)
        // `OutputOptions.emit(_: String)` adds a newline unless the text ends with one (a
        // Character "\n": not the "\r\n" grapheme).
        let endsWithNewline = out.last == 0x0A && (out.count < 2 || out[out.count - 2] != 0x0D)
        if !endsWithNewline { out.append(0x0A) }
        return Data(out)
    }

    /// The report's lines joined by newlines (no final newline), appended to `out`. The client
    /// table goes straight into the buffer (`TextTable`): at 10^5 clients a `String` per cell and
    /// per line was most of what `flexgen check` did beyond reading and checking.
    static func render(problem: Problem, solution: Solution, evaluation e: Evaluation, into out: inout [UInt8]) {
        var lines: [String] = []
        func flush() {
            for line in lines {
                if !out.isEmpty { out.append(0x0A) }
                out.append(contentsOf: line.utf8)
            }
            lines = []
        }
        let metric = problem.profile.metric
        lines.append("problem \(problem.name) · solver \(solution.solver) · status \(solution.status.rawValue) "
            + "· tolerance \(num(e.relativeTolerance, 2))")
        guard e.hasAllocation else {
            lines.append("no allocation to check (status \(solution.status.rawValue))")
            if let diagnostics = solution.diagnostics {
                for d in diagnostics { lines.append("  diagnostic: \(d)") }
            }
            flush()
            return
        }
        flush()
        let header = ["client", "width", "steps", "latency s", "deadline s", "slack s", "delivered bits",
                      "image bits", "compute J", "tx J", metric.name, "required", "q slack"]
        var table = TextTable(header: header, expectedRows: e.clients.count)
        for c in e.clients {
            table.append(c.id)
            table.appendNumber(c.width, 3)
            table.append("\(c.steps)")
            table.appendNumber(c.latencyS, 5)
            table.appendNumber(c.deadlineS, 5)
            table.appendNumber(c.deadlineSlackS, 3)
            table.appendNumber(c.deliveredBits, 4)
            table.appendNumber(c.imageBits, 4)
            table.appendNumber(c.computeEnergyJ, 5)
            table.appendNumber(c.txEnergyJ, 3)
            table.appendNumber(c.quality, 4)
            if let required = c.qualityRequirement { table.appendNumber(required, 4) } else { table.append("-") }
            if let slack = c.qualitySlack { table.appendNumber(slack, 3) } else { table.append("-") }
        }
        out.append(0x0A)
        table.write(to: &out)
        lines.append("")
        lines.append("total energy      \(num(e.totalEnergyJ, 7)) J (compute \(num(e.totalComputeEnergyJ, 7)) J, "
            + "transmit \(num(e.totalTxEnergyJ, 4)) J)"
            + (solution.totalEnergyJ.map { "; reported \(num($0, 7)) J" } ?? ""))
        lines.append("compute rate used \(num(e.computeRateUsed, 5)) of \(num(e.computeRateBudget, 5)) FLOP/s "
            + "(slack \(num(e.computeRateSlack, 3)))")
        lines.append("bandwidth used    \(num(e.bandwidthUsed, 5)) of \(num(e.bandwidthBudget, 5)) Hz "
            + "(slack \(num(e.bandwidthSlack, 3)))")
        for t in e.serviceTargets {
            lines.append("serviceTargets[\(t.index)]: mean \(metric.name) \(num(t.meanQuality, 6)) vs target "
                + "\(num(t.target, 6)) over \(t.clients.count) client(s) (slack \(num(t.slack, 3)))")
        }
        if e.violations.isEmpty {
            lines.append("OK: every constraint holds")
        } else {
            lines.append("VIOLATED (\(e.violations.count)): \(e.violatedKinds.map(\.rawValue).joined(separator: ", "))")
            for v in e.violations { lines.append("  \(v)") }
        }
        flush()
    }

    /// The table (first column left-aligned, the others right-aligned, two spaces apart) as one
    /// element holding its lines joined by newlines, for callers that join their lines so.
    static func table(header: [String], rows: [[String]]) -> [String] {
        [tableText(header: header, rows: rows)]
    }

    /// `table`'s lines joined by newlines, built as one UTF-8 buffer (at 10^5 rows, a `String`
    /// per padded cell and per line was a tenth of `flexgen check`).
    static func tableText(header: [String], rows: [[String]]) -> String {
        // Characters, counted from the UTF-8 length when the cell is ASCII (one byte, one Character):
        // counting graphemes of 10^5 rows was a visible part of `flexgen check`.
        func width(_ cell: String) -> Int {
            let bytes = cell.utf8.count
            return cell.utf8.allSatisfy({ $0 < 0x80 }) && !cell.utf8.contains(0x0D) ? bytes : cell.count
        }
        var widths = header.map(width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], width(cell)) } }
        var out: [UInt8] = []
        out.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + 1))
        func line(_ cells: [String]) {
            for (i, cell) in cells.enumerated() {
                if i > 0 { out.append(0x20); out.append(0x20) }
                let pad = widths[i] - width(cell)
                if i == 0 {
                    out.append(contentsOf: cell.utf8)
                    for _ in 0..<pad { out.append(0x20) }
                } else {
                    for _ in 0..<pad { out.append(0x20) }
                    out.append(contentsOf: cell.utf8)
                }
            }
        }
        line(header)
        for row in rows {
            out.append(0x0A)
            line(row)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

func num(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "undefined" : (x > 0 ? "inf" : "-inf") }
    // glibc's strfromd (the non-variadic %g of printf) or vsnprintf, in the C locale: what
    // String(format:) ends in for %g, without a CFString and a CVarArg box per call (which
    // dominated `flexgen check` on 10^5 clients).
    let format = "%.\(digits)g"
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
        let length = if let strfromd = CFormat.strfromd {
            Int(strfromd(buffer.baseAddress!, 64, format, x))
        } else {
            Int(withVaList([x]) { vsnprintf(buffer.baseAddress!, 64, format, $0) })
        }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: min(max(length, 0), 63)), as: UTF8.self)
    }
}

/// glibc's `strfromd` (2.25+), looked up at run time because Swift's Glibc module does not declare it.
enum CFormat {
    typealias StrFromD = @convention(c) (UnsafeMutablePointer<CChar>?, Int, UnsafePointer<CChar>?, Double) -> Int32
    static let strfromd: StrFromD? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "strfromd")
        .map { unsafeBitCast($0, to: StrFromD.self) }
}
