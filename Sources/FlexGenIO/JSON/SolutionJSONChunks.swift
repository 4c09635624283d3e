import FlexGenModel

/// A `Solution`'s canonical bytes (exactly `FlexGenJSON.encode(solution)`, final newline
/// included), produced in pieces of about `chunkBytes` so that a writer never holds more than one
/// piece of the client list: the HTTP service streams a solve's answer through it, and
/// `FlexGenJSON.encode` concatenates the pieces.
///
/// The client list is written field by field from `ClientDecision`'s stored properties, in the
/// canonical (sorted) key order, without building a value tree; the small parts around it
/// (`admission`, `diagnostics`, `prices`) go through `CanonicalJSONEncoder`. Layout rules: see
/// `CanonicalJSONEncoder`. `init` returns nil — and the caller falls back to the generic path,
/// whose Foundation fallback throws on a non-finite number — when a number is not finite, a nested
/// part declines the fast encoder, or `ClientDecision`'s keys are no longer the twelve written here.
/// Byte identity with `JSONEncoder` is tested on random solutions (FastJSONWriterTests).
public struct SolutionJSONChunks: Sequence, IteratorProtocol, Sendable {
    /// Everything before the first client (`{`, `admission`, `"clients" : [`).
    private var head: [UInt8]?
    /// Everything after the last client, final newline included.
    private var tail: [UInt8]?
    private let clients: [ClientDecision]
    /// The first client not written yet.
    private var nextClient = 0
    private let chunkBytes: Int

    /// nil when the direct path cannot vouch for the bytes (see the type's comment).
    public init?(_ solution: Solution, chunkBytes: Int = 1 << 16) {
        guard Solution.clientDecisionKeys == Self.clientKeys, Self.allFinite(solution) else { return nil }
        self.clients = solution.clients
        self.chunkBytes = Swift.max(chunkBytes, 1)
        var head = CanonicalJSONWriter(capacity: 256)
        head.bytes.append(UInt8(ascii: "{"))
        var first = true
        func member(_ writer: inout CanonicalJSONWriter, _ key: String) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.bytes.append(0x0A)
            writer.spaces(2)
            writer.writeString(key)
            writer.append(" : ")
        }
        if let admission = solution.admission {
            member(&head, "admission")
            guard head.writeEncodable(admission, indent: 2) else { return nil }
        }
        member(&head, "clients")
        head.bytes.append(UInt8(ascii: "["))
        head.bytes.append(0x0A)
        var tail = CanonicalJSONWriter(capacity: 512)
        tail.bytes.append(0x0A)  // after the last client, or the empty list's blank line
        tail.spaces(2)
        tail.bytes.append(UInt8(ascii: "]"))
        member(&tail, "diagnostics")
        guard tail.writeEncodable(solution.diagnostics ?? [], indent: 2) else { return nil }
        member(&tail, "format")
        tail.writeString(Solution.formatName)
        if let gap = solution.gap { member(&tail, "gap"); tail.writeNumber(gap) }
        if let bound = solution.lowerBoundJ { member(&tail, "lowerBoundJ"); tail.writeNumber(bound) }
        if let prices = solution.prices {
            member(&tail, "prices")
            guard tail.writeEncodable(prices, indent: 2) else { return nil }
        }
        member(&tail, "problem")
        tail.writeString(solution.problem)
        member(&tail, "solveTimeS")
        tail.writeNumber(solution.solveTimeS)
        member(&tail, "solver")
        tail.writeString(solution.solver)
        member(&tail, "status")
        tail.writeString(solution.status.rawValue)
        if let energy = solution.totalEnergyJ { member(&tail, "totalEnergyJ"); tail.writeNumber(energy) }
        tail.bytes.append(0x0A)
        tail.bytes.append(UInt8(ascii: "}"))
        tail.bytes.append(0x0A)
        self.head = head.bytes
        self.tail = tail.bytes
    }

    /// The next piece; nil after the final newline.
    public mutating func next() -> [UInt8]? {
        if let head {
            self.head = nil
            if clients.isEmpty || head.count >= chunkBytes { return head }
            var writer = CanonicalJSONWriter(capacity: chunkBytes + 1024)
            writer.bytes.append(contentsOf: head)
            writeClients(into: &writer)
            return writer.bytes
        }
        if nextClient < clients.count {
            var writer = CanonicalJSONWriter(capacity: chunkBytes + 1024)
            writeClients(into: &writer)
            return writer.bytes
        }
        defer { tail = nil }
        return tail
    }

    /// All pieces in one array: `FlexGenJSON.encode`'s bytes.
    public mutating func joined() -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity((head?.count ?? 0) + (tail?.count ?? 0) + clients.count * 480)
        while let piece = next() { all.append(contentsOf: piece) }
        return all
    }

    /// Clients from `nextClient` on, until the piece reaches `chunkBytes` or the list ends.
    private mutating func writeClients(into writer: inout CanonicalJSONWriter) {
        while nextClient < clients.count, writer.bytes.count < chunkBytes {
            if nextClient > 0 {
                writer.bytes.append(UInt8(ascii: ","))
                writer.bytes.append(0x0A)
            }
            writer.spaces(4)
            Self.write(clients[nextClient], into: &writer)
            nextClient += 1
        }
    }

    /// The twelve keys `write(_:into:)` writes, which must be `ClientDecision`'s.
    static let clientKeys: Set<String> = [
        "bandwidthHz", "computeEnergyJ", "computeRateFlopsPerS", "flops", "id", "latencyS", "quality", "steps",
        "txEnergyJ", "txPowerW", "txTimeS", "width",
    ]

    /// `,\n` + six spaces + `"key" : ` for each client key (the first without the comma).
    private static func prefix(_ key: String, first: Bool = false) -> [UInt8] {
        Array(((first ? "" : ",") + "\n      \"" + key + "\" : ").utf8)
    }
    private static let bandwidthHz = prefix("bandwidthHz", first: true)
    private static let computeEnergyJ = prefix("computeEnergyJ")
    private static let computeRateFlopsPerS = prefix("computeRateFlopsPerS")
    private static let flops = prefix("flops")
    private static let id = prefix("id")
    private static let latencyS = prefix("latencyS")
    private static let quality = prefix("quality")
    private static let steps = prefix("steps")
    private static let txEnergyJ = prefix("txEnergyJ")
    private static let txPowerW = prefix("txPowerW")
    private static let txTimeS = prefix("txTimeS")
    private static let width = prefix("width")
    private static let close = Array("\n    }".utf8)

    /// One client object at indent 4, keys in ascending byte order.
    private static func write(_ client: ClientDecision, into writer: inout CanonicalJSONWriter) {
        writer.bytes.append(UInt8(ascii: "{"))
        writer.bytes.append(contentsOf: bandwidthHz); writer.writeNumber(client.bandwidthHz)
        writer.bytes.append(contentsOf: computeEnergyJ); writer.writeNumber(client.computeEnergyJ)
        writer.bytes.append(contentsOf: computeRateFlopsPerS); writer.writeNumber(client.computeRateFlopsPerS)
        writer.bytes.append(contentsOf: flops); writer.writeNumber(client.flops)
        writer.bytes.append(contentsOf: id); writer.writeString(client.id)
        writer.bytes.append(contentsOf: latencyS); writer.writeNumber(client.latencyS)
        writer.bytes.append(contentsOf: quality); writer.writeNumber(client.quality)
        writer.bytes.append(contentsOf: steps); writer.append(client.steps.description)
        writer.bytes.append(contentsOf: txEnergyJ); writer.writeNumber(client.txEnergyJ)
        writer.bytes.append(contentsOf: txPowerW); writer.writeNumber(client.txPowerW)
        writer.bytes.append(contentsOf: txTimeS); writer.writeNumber(client.txTimeS)
        writer.bytes.append(contentsOf: width); writer.writeNumber(client.width)
        writer.bytes.append(contentsOf: close)
    }

    /// Whether every number the direct path writes itself is finite (Foundation throws on the others).
    private static func allFinite(_ solution: Solution) -> Bool {
        for number in [solution.totalEnergyJ, solution.lowerBoundJ, solution.gap, solution.solveTimeS] where number?.isFinite == false {
            return false
        }
        for c in solution.clients {
            // x * 0 is 0 (or -0) for a finite x and NaN otherwise: one comparison for all ten.
            let sum = c.bandwidthHz * 0 + c.computeEnergyJ * 0 + c.computeRateFlopsPerS * 0 + c.flops * 0 + c.latencyS * 0
                + c.quality * 0 + c.txEnergyJ * 0 + c.txPowerW * 0 + c.txTimeS * 0 + c.width * 0
            guard sum == 0 else { return false }
        }
        return true
    }
}

extension CanonicalJSONWriter {
    /// Appends `value` at `indent` through `CanonicalJSONEncoder`; false when that encoder declines.
    mutating func writeEncodable<T: Encodable>(_ value: T, indent: Int) -> Bool {
        let context = CanonicalJSONEncoder.Context(userInfo: [:])
        let encoder = CanonicalJSONEncoder(context: context)
        guard let node = try? encoder.primitive(value) ?? {
            try value.encode(to: encoder)
            return encoder.node
        }(), !context.needsFoundation else { return false }
        return write(node, indent: indent)
    }
}
