import ArgumentParser
import Foundation
import FlexGen

/// The output flags every subcommand shares: where to write and in which form.
struct OutputOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp(
        "Write the result to this file (atomically: temp file + rename) instead of standard output.",
        valueName: "file"))
    var output: String?

    @Flag(help: "Print machine-readable JSON instead of a table.")
    var json = false

    func validate() throws {
        if let output {
            guard !output.isEmpty else { throw ValidationError("--output: must not be empty") }
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--output: folder \(folder) does not exist")
            }
        }
    }

    /// Writes `data` to `--output` atomically, or to standard output.
    func emit(_ data: Data) throws {
        if let output {
            try AtomicFile.write(data, to: output)
        } else {
            FileHandle.standardOutput.write(data)
        }
    }

    func emit(_ text: String) throws {
        try emit(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// Parses a comma-separated list of numbers (`0.25,0.5,1`) for an option.
func parseList<T: LosslessStringConvertible>(_ text: String, option: String) throws -> [T] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !parts.isEmpty else { throw ValidationError("\(option): empty list") }
    return try parts.map { part in
        guard let value = T(part) else { throw ValidationError("\(option): cannot read \"\(part)\"") }
        return value
    }
}

/// `target`'s path relative to the folder `base` (both made absolute and standardised).
func relativePath(of target: String, fromFolder base: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    func components(_ path: String) -> [String] {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: cwd).appendingPathComponent(path)
        return url.standardizedFileURL.pathComponents.filter { $0 != "/" }
    }
    let t = components(target), b = components(base)
    var common = 0
    while common < min(t.count, b.count), t[common] == b[common] { common += 1 }
    let ups = Array(repeating: "..", count: b.count - common)
    return (ups + t[common...]).joined(separator: "/")
}
