import Foundation
import FlexGenModel

/// Reading and writing `flexgen-trace/1` files, as `ProblemFile` does for problems: every failure
/// is an `InputError` naming the JSON path (a string `profile` is resolved relative to the file).
public enum TraceFile {
    /// Reads, decodes and validates.
    public static func load(path: String) throws -> Trace {
        let url = URL(fileURLWithPath: path)
        return try decode(try readInput(path: path), baseDirectory: url.deletingLastPathComponent())
    }

    public static func decode(_ data: Data, baseDirectory: URL?) throws -> Trace {
        let base = baseDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let resolver = ProfileResolver { relative in
            let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : base.appendingPathComponent(relative)
            return try ProfileFile.load(path: url.path)
        }
        let trace = try decodeDocument(Trace.self, from: data, userInfo: [.profileResolver: resolver])
        try trace.validate()
        return trace
    }

    /// The canonical bytes (FlexGenJSON), keeping a profile path as a path unless `embedProfile`.
    public static func encode(_ trace: Trace, embedProfile: Bool = false) throws -> Data {
        try FlexGenJSON.encode(trace, userInfo: embedProfile ? [.embedProfile: true] : [:])
    }
}

/// Reading `flexgen-simulation/1` reports. Decoding only: whether the report holds is
/// `SimulationCheck`'s verdict.
public enum SimulationReportFile {
    public static func load(path: String) throws -> SimulationReport {
        try decode(try readInput(path: path))
    }

    public static func decode(_ data: Data) throws -> SimulationReport {
        try decodeDocument(SimulationReport.self, from: data)
    }

    /// The document kind a JSON file declares, for `flexgen check` to tell a problem from a trace
    /// and a solution from a simulation report without decoding it twice: the first
    /// `"format": "…"` among the first 64 KiB whose value is a problem, trace, solution or
    /// simulation format (an inline profile's own `format` is skipped). nil when none is found.
    public static func declaredFormat(of data: Data) -> String? {
        let known = [Problem.formatName, Trace.formatName, Solution.formatName, SimulationReport.formatName]
        let text = String(decoding: data.prefix(65_536), as: UTF8.self)
        var rest = text[...]
        while let key = rest.range(of: "\"format\"") {
            rest = rest[key.upperBound...]
            let value = rest.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == ":" }
            guard value.first == "\"" else { continue }
            let body = value.dropFirst()
            guard let end = body.firstIndex(of: "\"") else { return nil }
            let format = String(body[..<end])
            if known.contains(format) { return format }
        }
        return nil
    }
}
