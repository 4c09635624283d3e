import Foundation
import FlexGenModel

extension SolutionFile {
    /// `Solution.unknownKeys(inJSON:)` of the document in `data`: the same paths, in the same order,
    /// without building the whole document as Foundation objects. Empty when `data` is not JSON.
    ///
    /// The skeleton handed to `Solution.unknownKeys` has the document's top-level keys, `prices`'
    /// keys, and for `clients[k]` its keys only where one of them is not a `ClientDecision` key
    /// (the others become `[:]`, which contributes nothing), so the rules stay in one place.
    /// Documents the tape declines (not strict JSON) are parsed by `JSONSerialization` as before.
    public static func unknownKeys(in data: Data) -> [String] {
        guard let tape = JSONTape(bytes: data) else {
            guard let object = try? JSONSerialization.jsonObject(with: data) else { return [] }
            return Solution.unknownKeys(inJSON: object)
        }
        return unknownKeys(in: tape)
    }

    /// `decode(_:)` and `unknownKeys(in:)` of the same bytes, parsing them once when the tape
    /// reader takes them (`flexgen check` needs both; a 10^5-client solution is 40 MB).
    public static func decodeListingUnknownKeys(_ data: Data) throws -> (solution: Solution, unknownKeys: [String]) {
        if let tape = JSONTape(bytes: data), let solution = FlexGenJSON.fastDecode(Solution.self, from: tape) {
            return (solution, unknownKeys(in: tape))
        }
        return (try decode(data), unknownKeys(in: data))
    }

    /// `load(path:)` with `decodeListingUnknownKeys`.
    public static func loadListingUnknownKeys(path: String) throws -> (solution: Solution, unknownKeys: [String]) {
        try decodeListingUnknownKeys(try readInput(path: path))
    }

    static func unknownKeys(in tape: JSONTape) -> [String] {
        func keys(ofObjectAt index: Int) -> [String] {
            var keys: [String] = []
            var i = index + 1
            for _ in 0..<tape.entries[index].count {
                keys.append(tape.string(at: i))
                i = tape.next(after: i + 1)
            }
            return keys
        }
        func skeleton(ofObjectAt index: Int) -> [String: Any] {
            var object: [String: Any] = [:]
            for key in keys(ofObjectAt: index) where object[key] == nil { object[key] = NSNull() }
            return object
        }
        guard tape.entries[0].kind == .object else { return [] }
        var top: [String: Any] = [:]
        var i = 1
        for _ in 0..<tape.entries[0].count {
            let key = tape.string(at: i), value = i + 1
            i = tape.next(after: value)
            // A repeated key: the last one wins, as in JSONSerialization (JSONDecoder reads the first).
            switch (key, tape.entries[value].kind) {
            case ("prices", .object): top[key] = skeleton(ofObjectAt: value)
            case ("clients", .array):
                var clients: [Any] = []
                clients.reserveCapacity(Int(tape.entries[value].count))
                var element = value + 1
                for _ in 0..<tape.entries[value].count {
                    if tape.entries[element].kind == .object {
                        let names = keys(ofObjectAt: element)
                        clients.append(names.allSatisfy(Solution.clientDecisionKeys.contains) ? [String: Any]() : skeleton(ofObjectAt: element))
                    } else {
                        clients.append(NSNull())
                    }
                    element = tape.next(after: element)
                }
                top[key] = clients
            default: top[key] = NSNull()
            }
        }
        return Solution.unknownKeys(inJSON: top)
    }
}
