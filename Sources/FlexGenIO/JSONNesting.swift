import Foundation
import FlexGenModel

/// A guard against pathologically nested documents (`[[[[…`), run before any parser sees them.
///
/// FlexGen's formats need at most 5 levels of arrays/objects. Foundation's parser stops at 512,
/// but the recursive scanner that locates syntax errors (`JSONSyntaxLocator`) and a server
/// thread's smaller stack would overflow long before a body-size limit is reached, turning bad
/// input into a crash. One iterative pass over the raw bytes, O(n) time, O(1) space; strings are skipped so that
/// brackets inside them do not count.
public enum JSONNesting {
    /// Deepest array/object nesting accepted.
    public static let maximumDepth = 64

    /// Throws an `InputError` (empty path: the document) when `data` nests deeper than `maximumDepth`.
    public static func check(_ data: Data) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var depth = 0, inString = false, escaped = false
            for byte in bytes {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true }
                    else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    if depth > maximumDepth {
                        throw InputError(path: "", reason: "not valid input: arrays/objects nested deeper than \(maximumDepth) levels")
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
                default: break
                }
            }
        }
    }
}
