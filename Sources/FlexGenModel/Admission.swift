/// The `admission` block of a solution solved in admission mode (docs/formats.md): which clients
/// were admitted, with what priority, the proven bound on the best admissible priority, and why
/// every other client was rejected. Present exactly when admission mode was used.
public struct Admission: Codable, Sendable, Hashable {
    /// How the admitted set is chosen.
    public enum Mode: String, Codable, Sendable, Hashable, CaseIterable, NamedCase {
        /// Maximise the admitted priority Σ_{k∈A} priority_k, then minimise the admitted set's energy.
        case maxServed = "max-served"
    }

    /// Why a client was left out.
    public enum Reason: String, Codable, Sendable, Hashable, CaseIterable, NamedCase {
        /// No configuration of the profile (that the solver may use) reaches its quality requirement.
        case quality
        /// It cannot meet its deadline even with the whole server to itself.
        case deadline
        /// Left out so that the others fit.
        case capacity
    }

    public struct Rejection: Codable, Sendable, Hashable {
        public var id: String
        public var reason: Reason
        public var message: String

        public init(id: String, reason: Reason, message: String) {
            self.id = id
            self.reason = reason
            self.message = message
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case id, reason, message }

        /// Strict, like the block around it.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            reason = try c.decode(Reason.self, forKey: .reason)
            message = try c.decode(String.self, forKey: .message)
        }
    }

    public var mode: Mode
    /// |A|.
    public var admittedCount: Int
    /// Σ_{k∈A} priority_k.
    public var admittedPriority: Double
    /// A proven upper bound on the admitted priority of any admissible set.
    public var admittedPriorityUpperBound: Double
    /// Every client not admitted, in the problem's order.
    public var rejected: [Rejection]

    public init(mode: Mode, admittedCount: Int, admittedPriority: Double, admittedPriorityUpperBound: Double,
                rejected: [Rejection]) {
        self.mode = mode
        self.admittedCount = admittedCount
        self.admittedPriority = admittedPriority
        self.admittedPriorityUpperBound = admittedPriorityUpperBound
        self.rejected = rejected
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, admittedCount, admittedPriority, admittedPriorityUpperBound, rejected
    }

    /// Strict, unlike the rest of a solution: the block is FlexGen's own (docs/formats.md), so an
    /// unknown key is a typo, not another writer's extension.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(Mode.self, forKey: .mode)
        admittedCount = try c.decode(Int.self, forKey: .admittedCount)
        admittedPriority = try c.decode(Double.self, forKey: .admittedPriority)
        admittedPriorityUpperBound = try c.decode(Double.self, forKey: .admittedPriorityUpperBound)
        rejected = try c.decode([Rejection].self, forKey: .rejected)
    }
}
