import Foundation

extension TapeDecoder {
    /// The fast readers' key lookup (`decodeClients`, `decodeClientDecisions`): for the object at
    /// tape entry `element`, sets `slots[f]` to the tape index of the value of key `names[f]`, or
    /// −1 where that key is absent.
    ///
    /// Returns false, for the caller to fall back to the generic decoder, when a key is not plain
    /// (escaped, so its bytes are not its name) and, with `strict`, when a key is not in `names` or
    /// is repeated. Without `strict` other keys are read past and a repeated key's first value wins,
    /// as in Foundation and `TapeKeyedContainer`.
    @inline(__always)
    func fieldSlots(ofObjectAt element: Int, names: [[UInt8]], into slots: inout [Int], strict: Bool) -> Bool {
        let tape = context.tape
        for f in slots.indices { slots[f] = -1 }
        var i = element + 1
        for _ in 0..<tape.entries[element].count {
            let key = tape.entries[i]
            guard key.flags == 0 else { return false }
            let length = Int(key.end &- key.start)
            let start = tape.buffer.baseAddress! + Int(key.start)
            var known = false
            for f in names.indices where names[f].count == length {
                if names[f].withUnsafeBufferPointer({ memcmp(start, $0.baseAddress!, length) == 0 }) {
                    known = true
                    if slots[f] < 0 {
                        slots[f] = i + 1
                    } else if strict {
                        return false
                    }
                    break
                }
            }
            if strict && !known { return false }
            i = tape.next(after: i + 1)
        }
        return true
    }

    /// The fast readers' loop over an array of objects: for each element at tape entry `index`'s
    /// array, `fieldSlots` then `make` from the slots. Nil (the caller falls back to the generic
    /// decoder) when the entry is not an array, an element is not an object, `fieldSlots` declines
    /// it, or `make` does.
    @inline(__always)
    func decodeObjects<T>(at index: Int, names: [[UInt8]], strict: Bool, make: ([Int]) -> T?) -> [T]? {
        let tape = context.tape
        guard tape.entries[index].kind == .array else { return nil }
        let count = Int(tape.entries[index].count)
        var values: [T] = []
        values.reserveCapacity(count)
        var slots = [Int](repeating: -1, count: names.count)
        var element = index + 1
        for _ in 0..<count {
            guard tape.entries[element].kind == .object,
                  fieldSlots(ofObjectAt: element, names: names, into: &slots, strict: strict),
                  let value = make(slots) else { return nil }
            values.append(value)
            element = tape.next(after: element)
        }
        return values
    }
}
