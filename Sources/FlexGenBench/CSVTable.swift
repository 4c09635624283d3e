import Foundation  // replacingOccurrences

/// A table written as RFC 4180 CSV: a header row, then one row per record, `\n` line ends.
///
/// Fields that contain a comma, a double quote, a carriage return or a line feed (or that begin
/// or end with a space) are wrapped in double quotes with inner quotes doubled; every other field
/// is written as is. Numbers are formatted by `CSVTable.number`: Swift's shortest round-trip form,
/// and an EMPTY field for a missing or non-finite value, so no file ever contains NaN.
public struct CSVTable: Sendable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) { self.header = header }

    /// Appends a row; precondition: as many fields as the header.
    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "CSV row has \(row.count) fields, header has \(header.count)")
        rows.append(row)
    }

    public var text: String {
        var out = ""
        for row in [header] + rows {
            out += row.map(Self.escape).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    public static func escape(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Shortest round-trip decimal form; empty for nil, NaN or ±inf.
    public static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return "\(value)"
    }

    public static func number(_ value: Int?) -> String { value.map { "\($0)" } ?? "" }
}
