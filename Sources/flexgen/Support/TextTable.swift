import Foundation

/// A text table built cell by cell into one byte buffer, laid out as `CheckTable.tableText` lays
/// out its `[[String]]` (first column left-aligned, the others right-aligned, two spaces apart,
/// widths in characters), with the same bytes.
///
/// Why: `flexgen check PROBLEM SOLUTION` prints one row per client; at 10^5 clients a `String`
/// per cell (1.3 million of them, each formatted through a fresh format string) was a quarter of
/// the command's time beyond the library's read and check (benchmarks/io/cli-timings.sh). Here a
/// number is formatted straight into the buffer (`appendNumber`, the bytes `num` returns) and a
/// cell is a range of the buffer.
struct TextTable {
    private let columns: Int
    /// Every cell's bytes, cell after cell, row after row (the header first).
    private var bytes: [UInt8] = []
    /// Where each cell ends in `bytes` (it starts where the previous one ends).
    private var cellEnds: [Int] = []
    /// Each cell's width in characters.
    private var cellWidths: [Int32] = []
    /// Each column's widest cell.
    private var widths: [Int]
    /// Where the cell being written started.
    private var cellStart = 0

    init(header: [String], expectedRows: Int = 0) {
        columns = header.count
        widths = Array(repeating: 0, count: header.count)
        bytes.reserveCapacity((expectedRows + 1) * header.count * 10)
        cellEnds.reserveCapacity((expectedRows + 1) * header.count)
        cellWidths.reserveCapacity((expectedRows + 1) * header.count)
        for cell in header { append(cell) }
    }

    /// Appends one cell holding `text`.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        endCell()
    }

    /// Appends one cell holding `num(x, digits)`.
    mutating func appendNumber(_ x: Double, _ digits: Int) {
        guard x.isFinite else { return append(x.isNaN ? "undefined" : (x > 0 ? "inf" : "-inf")) }
        NumberFormat.append(x, significantDigits: digits, to: &bytes)
        endCell()
    }

    private mutating func endCell() {
        let cell = bytes[cellStart..<bytes.count]
        // Characters, counted from the UTF-8 length when the cell is ASCII without a carriage
        // return (one byte, one Character), as `CheckTable.tableText` counts them.
        let width = cell.allSatisfy({ $0 < 0x80 }) && !cell.contains(0x0D)
            ? cell.count : String(decoding: cell, as: UTF8.self).count
        let column = cellEnds.count % columns
        widths[column] = max(widths[column], width)
        cellEnds.append(bytes.count)
        cellWidths.append(Int32(width))
        cellStart = bytes.count
    }

    /// The laid-out table (header line, then one line per row; no final newline) appended to `out`.
    func write(to out: inout [UInt8]) {
        let lineWidth = widths.reduce(0, +) + 2 * columns + 1
        out.reserveCapacity(out.count + lineWidth * (cellEnds.count / max(columns, 1)))
        var start = 0
        for (n, end) in cellEnds.enumerated() {
            let column = n % columns
            if column == 0 && n > 0 { out.append(0x0A) }
            if column > 0 { out.append(0x20); out.append(0x20) }
            let pad = widths[column] - Int(cellWidths[n])
            if column == 0 {
                out.append(contentsOf: bytes[start..<end])
                if pad > 0 { out.append(contentsOf: repeatElement(0x20, count: pad)) }
            } else {
                if pad > 0 { out.append(contentsOf: repeatElement(0x20, count: pad)) }
                out.append(contentsOf: bytes[start..<end])
            }
            start = end
        }
    }
}

/// printf's `%.<digits>g` in the C locale, written into a byte buffer: the bytes `num` returns
/// for a finite number.
enum NumberFormat {
    /// "%.0g" … "%.17g" as C strings, made once (a format string per call was a visible cost).
    private static let formats: [[CChar]] = (0...17).map { Array("%.\($0)g".utf8CString) }

    static func append(_ x: Double, significantDigits digits: Int, to out: inout [UInt8]) {
        let format = digits >= 0 && digits < formats.count ? formats[digits] : Array("%.\(digits)g".utf8CString)
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let length = format.withUnsafeBufferPointer { format in
                if let strfromd = CFormat.strfromd {
                    Int(strfromd(buffer.baseAddress!, 64, format.baseAddress!, x))
                } else {
                    Int(withVaList([x]) { vsnprintf(buffer.baseAddress!, 64, format.baseAddress!, $0) })
                }
            }
            out.append(contentsOf: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: min(max(length, 0), 63)))
        }
    }
}
