import FlexGenNumerics
import Foundation
import Testing
import FlexGenModel
@testable import FlexGenIO

/// Any JSON value, decoded through the generic containers only (the way an unknown Codable type
/// would), to compare the tape decoder with Foundation on arbitrary documents.
private indirect enum AnyJSON: Decodable, Equatable {
    case null, bool(Bool), number(UInt64), string(String), array([AnyJSON]), object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var members: [String: AnyJSON] = [:]
            for key in object.allKeys where members[key.stringValue] == nil {
                members[key.stringValue] = try object.decode(AnyJSON.self, forKey: key)
            }
            self = .object(members)
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var items: [AnyJSON] = []
            while !array.isAtEnd { items.append(try array.decode(AnyJSON.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(String.self) { self = .string(value) }
        else { self = .number(try single.decode(Double.self).bitPattern) }  // bits: -0 and 0 differ
    }

    struct AnyCodingKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// The fast reader (`JSONTape` + `TapeDecoder`) against Foundation's `JSONDecoder`: wherever the
/// fast path accepts a document, Foundation accepts it too and decodes the same value (bit for bit,
/// compared through the canonical encoding); wherever it declines, `FlexGenJSON.decode` is
/// Foundation's answer by construction.
@Suite struct FastJSONReaderTests {
    static let folder = ProblemsTests.folder

    static var resolverInfo: [CodingUserInfoKey: any Sendable] {
        [.profileResolver: ProfileResolver { relative in
            try ProfileFile.load(path: folder.appendingPathComponent(relative).path)
        }]
    }

    /// `text` with zero to two of `edits` applied, each (target, replacement) at a random one of
    /// the target's occurrences: the mutated documents the fast and Foundation readers must agree on.
    static func randomlyEdited(_ text: String, edits: [(String, String)], random: inout Xoshiro256) -> String {
        var text = text
        for _ in 0..<Int.random(in: 0...2, using: &random) {
            let (target, replacement) = edits.randomElement(using: &random)!
            let ranges = text.ranges(of: target)
            guard !ranges.isEmpty else { continue }
            text.replaceSubrange(ranges[Int.random(in: 0..<ranges.count, using: &random)], with: replacement)
        }
        return text
    }

    static func foundation<T: Decodable>(_ type: T.Type, _ data: Data) -> T? {
        let decoder = JSONDecoder()
        decoder.userInfo = resolverInfo
        return try? decoder.decode(T.self, from: data)
    }

    static func canonical<T: Encodable>(_ value: T) throws -> Data { try FlexGenJSON.encoder().encode(value) }

    static let shippedProblems = ["digits-small.json", "infeasible-budget.json", "infeasible-deadline.json",
                                  "paper-default.json", "service-target-20.json", "tiny-3.json", "infeasible-overloaded-40.json"]

    @Test func shippedProblemsDecodeAsFoundationDoes() throws {
        for name in Self.shippedProblems {
            let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
            let fast = try #require(FlexGenJSON.fastDecode(Problem.self, from: data, userInfo: Self.resolverInfo), "\(name)")
            let reference = try #require(Self.foundation(Problem.self, data))
            #expect(fast == reference, "\(name)")
            #expect(try Self.canonical(fast) == Self.canonical(reference), "\(name)")
        }
        for name in ["sd-like-512.json", "digits-measured.json"] {
            let data = try Data(contentsOf: Self.folder.appendingPathComponent("profiles").appendingPathComponent(name))
            let fast = try #require(FlexGenJSON.fastDecode(Profile.self, from: data))
            #expect(try Self.canonical(fast) == Self.canonical(try #require(Self.foundation(Profile.self, data))))
        }
    }

    @Test func solutionsDecodeAsFoundationDoes() throws {
        var random = Xoshiro256(seed: 7)
        for _ in 0..<20 {
            let solution = FastJSONWriterTests.randomSolution(&random)
            let data = try Self.canonical(solution)
            let fast = try #require(FlexGenJSON.fastDecode(Solution.self, from: data))
            let reference = try #require(Self.foundation(Solution.self, data))
            #expect(fast == reference)
            #expect(try Self.canonical(fast) == Self.canonical(reference))
        }
    }

    /// Number literals at the edges: the same Double bits, or both refuse.
    @Test func numbersAtTheEdges() throws {
        var literals = ["0", "-0", "-0.0", "0e0", "1", "-1", "1e308", "-1e308", "1.7976931348623157e308",
                        "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "1e999", "1e-320", "4.9e-324",
                        "5e-324", "2.4703282292062328e-324", "2.4703282292062327e-324", "2e-324", "1e-400", "0e-400",
                        "0.000e999", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "1E+2", "1e-7", "0.1", "0.30000000000000004",
                        "123456789012345678901234567890", "9007199254740993", "1.00000000000000011102230246251565404",
                        "2.2250738585072011e-308", "2.2250738585072012e-308", "1e22", "1e23", "123456789012345e-22",
                        "1234567890123456e-22", "-", "--1", "1e00000000000000000000000000000001", "0.1e-99999999999999"]
        var random = Xoshiro256(seed: 11)
        for _ in 0..<2000 {
            let value = Double(bitPattern: random.next())
            if value.isFinite { literals.append(value.description) }
            let digits = (0..<Int.random(in: 1...20, using: &random)).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
            let exponent = Int.random(in: -330...310, using: &random)
            literals.append("\(digits).\(digits.reversed())e\(exponent)")
        }
        var agreed = 0, foundationAccepted = 0
        for literal in literals {
            let data = Data("[\(literal)]".utf8)
            let fast = FlexGenJSON.fastDecode([Double].self, from: data)
            let reference = try? JSONDecoder().decode([Double].self, from: data)
            if reference != nil { foundationAccepted += 1 }
            if let fast {
                let reference = try #require(reference, "\(literal): fast accepted, Foundation refused")
                #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern), "\(literal)")
                agreed += 1
            }
            // Whatever the fast path declines, the public entry point answers as Foundation does.
            let combined = try? FlexGenJSON.decode([Double].self, from: data)
            #expect(combined?.map(\.bitPattern) == reference?.map(\.bitPattern), "\(literal)")
        }
        // Declining is only allowed where Foundation refuses too: every valid literal is fast.
        #expect(agreed == foundationAccepted)
        #expect(agreed > 2000)
    }

    @Test func integersAtTheEdges() throws {
        for literal in ["0", "-0", "50", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                        "-9223372036854775809", "50.0", "5e1", "50.5", "1e30", "01"] {
            let data = Data("[\(literal)]".utf8)
            let reference = try? JSONDecoder().decode([Int].self, from: data)
            if let fast = FlexGenJSON.fastDecode([Int].self, from: data) { #expect(fast == reference, "\(literal)") }
            #expect((try? FlexGenJSON.decode([Int].self, from: data)) == reference, "\(literal)")
        }
    }

    /// Strings: escapes, surrogate pairs, bad UTF-8, control characters.
    @Test func stringsAtTheEdges() throws {
        let texts: [[UInt8]] = [
            Array(#""plain""#.utf8), Array(#""\"\\\/\b\f\n\r\t""#.utf8), Array(#""\u00e9\u20AC\ud83d\ude00""#.utf8),
            Array(#""\ud800""#.utf8), Array(#""\udc00""#.utf8), Array(#""\ud800\u0041""#.utf8), Array(#""\u00""#.utf8),
            Array(#""\x""#.utf8), Array(#""\u0000""#.utf8), [0x22, 0x01, 0x22], [0x22, 0x7F, 0x22],
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xC3, 0xA9, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
            [0x22, 0xE0, 0x80, 0xAF, 0x22], [0xEF, 0xBB, 0xBF, 0x22, 0x61, 0x22], Array("\"unterminated".utf8),
        ]
        for text in texts {
            let data = Data([UInt8(ascii: "[")] + text + [UInt8(ascii: "]")])
            let reference = try? JSONDecoder().decode([String].self, from: data)
            if let fast = FlexGenJSON.fastDecode([String].self, from: data) {
                #expect(fast == reference, "\(text)")
                #expect(fast.map { Array($0.utf8) } == reference?.map { Array($0.utf8) }, "\(text)")
            }
            #expect((try? FlexGenJSON.decode([String].self, from: data)) == reference, "\(text)")
        }
    }

    /// Hostile nesting: declined without recursion trouble, and the file loader's message is kept.
    @Test func deepNestingIsDeclinedNotCrashed() throws {
        for depth in [64, 65, 100_000] {
            let data = Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
            let fast = FlexGenJSON.fastDecode(AnyJSON.self, from: data)
            #expect((fast != nil) == (depth <= JSONNesting.maximumDepth))
        }
        let deep = Data(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: InputError.self) { try ProfileFile.decode(deep) }
        do { _ = try ProfileFile.decode(deep) } catch let error as InputError {
            #expect(error.description == "not valid input: arrays/objects nested deeper than 64 levels")
        }
    }

    /// Seeded random mutations of the shipped problems: byte flips, deletions, insertions of
    /// tricky tokens. The fast path never accepts what Foundation refuses and never differs from it,
    /// both for `Problem` (FlexGen's strict types) and for `AnyJSON` (the generic containers).
    @Test func fuzzedProblemsAgreeWithFoundation() throws {
        let tokens = ["-0", "1e308", "1e-320", "1e999", "1e-400", "01", "0.0", "\"\\ud800\"", "null", "[]", "{}", ",", "]", "}",
                      "\"x\":1,", "\"", "\\", "true", "1.5", "\u{FEFF}", "é", "\"id\":\"dup\",", "5e1", "[[[[[[[[", "NaN"]
        var random = Xoshiro256(seed: 2026)
        var fastAccepted = 0, total = 0
        for name in ["paper-default.json", "service-target-20.json", "tiny-3.json"] {
            let original = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(name)))
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                    case 1: bytes.remove(at: at)
                    case 2:
                        // Replace a number literal with an edge-case token, where there is one.
                        if let start = bytes[at...].firstIndex(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                            var end = start
                            while end < bytes.count, "0123456789.eE+-".utf8.contains(bytes[end]) { end += 1 }
                            bytes.replaceSubrange(start..<end, with: Array(tokens[Int.random(in: 0..<6, using: &random)].utf8))
                        }
                    default: bytes.insert(contentsOf: Array(tokens.randomElement(using: &random)!.utf8), at: at)
                    }
                }
                let data = Data(bytes)
                total += 1
                if let fast = FlexGenJSON.fastDecode(Problem.self, from: data, userInfo: Self.resolverInfo) {
                    fastAccepted += 1
                    let reference = try #require(Self.foundation(Problem.self, data), "fast accepted a document Foundation refuses")
                    #expect(try Self.canonical(fast) == Self.canonical(reference))
                }
                if let fast = FlexGenJSON.fastDecode(AnyJSON.self, from: data) {
                    #expect(fast == (try? JSONDecoder().decode(AnyJSON.self, from: data)))
                }
            }
        }
        // The mutations must leave both accepted and refused documents, or the test proves nothing.
        #expect(fastAccepted > total / 20 && fastAccepted < total, "\(fastAccepted) of \(total)")
    }
}

extension FastJSONReaderTests {
    /// Solution documents whose client objects are edited (keys repeated, dropped, misspelt,
    /// escaped or added; values of another kind; `steps` written `15.0`; huge and tiny numbers):
    /// whenever the fast reader (with its direct path for `clients`) accepts one, Foundation
    /// accepts it too with the same value; and `FlexGenJSON.decode` gives Foundation's value or
    /// error on every one.
    @Test func editedSolutionClientsAgreeWithFoundation() throws {
        let edits: [(String, String)] = [
            (#""width" : "#, #""width" : 1, "width" : "#), (#""steps" : "#, #""steps" : 15.0, "stepz" : "#),
            (#""flops" : "#, #""\u0066lops" : "#), (#""id" : "#, #""id" : 7, "other" : "#),
            (#""quality" : "#, #""quality" : null, "q" : "#), (#""txTimeS" : "#, #""extra" : {"a" : [1]}, "txTimeS" : "#),
            (#""latencyS" : "#, #""latencyS" : 1e999, "x" : "#), (#""txPowerW" : "#, #""txPowerW" : 1e-400, "x" : "#),
            (#""steps" : "#, #""steps" : 99999999999999999999, "x" : "#), (#""bandwidthHz" : "#, #""bandwidthHz" : "1", "x" : "#),
            (#""computeEnergyJ" : "#, #""computeEnergyJ" : -0, "x" : "#), (#""width" : "#, #""wid\th" : "#),
        ]
        var random = Xoshiro256(seed: 11)
        var fastAccepted = 0, total = 0
        for _ in 0..<120 {
            var solution = FastJSONWriterTests.randomSolution(&random)
            while solution.clients.isEmpty { solution = FastJSONWriterTests.randomSolution(&random) }
            var text = String(decoding: try Self.canonical(solution), as: UTF8.self)
            text = Self.randomlyEdited(text, edits: edits, random: &random)
            let data = Data(text.utf8)
            total += 1
            let reference = Self.foundation(Solution.self, data)
            if let fast = FlexGenJSON.fastDecode(Solution.self, from: data) {
                fastAccepted += 1
                #expect(fast == reference, "\(text.prefix(300))")
            }
            let answer = Result { try FlexGenJSON.decode(Solution.self, from: data) }
            let foundation = Result { try JSONDecoder().decode(Solution.self, from: data) }
            switch (answer, foundation) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)")
            default: Issue.record("FlexGenJSON.decode and JSONDecoder disagree on \(text.prefix(300))")
            }
        }
        #expect(fastAccepted > total / 10 && fastAccepted < total, "\(fastAccepted) of \(total)")
    }

    /// `SolutionFile.unknownKeys(in:)` lists what `Solution.unknownKeys(inJSON:)` lists from
    /// `JSONSerialization`'s objects, on documents with and without other writers' keys.
    @Test func unknownKeysAgreeWithJSONSerialization() throws {
        var random = Xoshiro256(seed: 3)
        let extras = [#""admission":{"x":1},"#, #""note":"n","#, #""prices":{"computeJPerFlopsPerS":1},"#,
                      #""prices":[1],"#, #""clients":[1,{"id":"a","extra":2,"width":1}],"#, ""]
        for _ in 0..<40 {
            var text = String(decoding: try Self.canonical(FastJSONWriterTests.randomSolution(&random)), as: UTF8.self)
            let extra = extras.randomElement(using: &random)!
            text.insert(contentsOf: extra, at: text.index(after: text.startIndex))
            if Bool.random(using: &random), let range = text.range(of: #""width""#) { text.replaceSubrange(range, with: #""widht""#) }
            let data = Data(text.utf8)
            let expected = (try? JSONSerialization.jsonObject(with: data)).map(Solution.unknownKeys(inJSON:)) ?? []
            #expect(SolutionFile.unknownKeys(in: data) == expected, "\(text.prefix(200))")
        }
    }
}
