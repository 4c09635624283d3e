extension JSONTape {
    /// The number at `index` (a `.number` entry) as the nearest Double, or nil when it does not fit
    /// one: it overflows to ±infinity (`1e999`) or a literal with a nonzero digit rounds to zero
    /// (`1e-400`) — the two cases Foundation refuses. Subnormals (`1e-320`) and `-0` are kept.
    ///
    /// Exact: literals of at most 15 significant digits whose decimal exponent is within ±22 are
    /// computed as an integer times or divided by an exact power of ten — one correctly rounded
    /// operation on exact operands (Clinger's fast path); every other literal goes to the standard
    /// library's correctly rounded parser. Either way the result is the correctly rounded value,
    /// the same Double Foundation's parser gives.
    func double(at index: Int) -> Double? {
        let entry = entries[index]
        let start = Int(entry.start), end = Int(entry.end)
        if let fast = Self.clingerFastPath(bytes, start, end) { return fast }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        if value == 0 {
            // Zero is only right when every mantissa digit is zero.
            for byte in bytes[start..<end] {
                if byte | 0x20 == UInt8(ascii: "e") { break }
                if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return nil }
            }
        }
        return value
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }  // exact: 10^22 < 2^53 · 2^22 has a 53-bit mantissa
        return power
    }

    /// nil when the literal is outside the fast path's exact range.
    @inline(__always)
    private static func clingerFastPath(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var digitCount = 0
        var exponent = 0
        while i < end, bytes[i] &- UInt8(ascii: "0") < 10 {
            mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
            digitCount += 1
            i += 1
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] &- UInt8(ascii: "0") < 10 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
                digitCount += 1
                exponent -= 1
                i += 1
            }
        }
        // 15 digits cannot wrap a UInt64 and stay below 2^53, so the mantissa is exact.
        guard digitCount <= 15 else { return nil }
        if i < end {  // exponent part
            i += 1
            var exponentNegative = false
            if bytes[i] == UInt8(ascii: "+") { i += 1 } else if bytes[i] == UInt8(ascii: "-") { exponentNegative = true; i += 1 }
            var written = 0
            while i < end {
                written = written * 10 + Int(bytes[i] &- UInt8(ascii: "0"))
                if written > 1000 { return nil }
                i += 1
            }
            exponent += exponentNegative ? -written : written
        }
        guard exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(mantissa)
        value = exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
        return negative ? -value : value
    }

    /// The number at `index` as an integer of type `T`, when the literal is a plain integer that
    /// fits; nil otherwise (a fraction or exponent, even if integral like `50.0`, is left to
    /// Foundation by the caller).
    func integer<T: FixedWidthInteger>(at index: Int, as type: T.Type) -> T? {
        let entry = entries[index]
        guard entry.flags & Self.hasFractionOrExponent == 0 else { return nil }
        var i = Int(entry.start)
        let end = Int(entry.end)
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: T = 0
        while i < end {
            let digit = T(bytes[i] &- UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
            i += 1
        }
        return value
    }
}
