/// The `admission` block of a solution solved in admission mode (docs/formats.md): which clients
/// were admitted, with what priority, the proven bound on the best admissible priority, and why
/// every other client was rejected. Present exactly when admission mode was used.
public struct Admission: Codable, Sendable, Hashable {
    /// How the admitted set is chosen.
    public enum Mode: String, Codable, Sendable, Hashable, CaseIterable {
        /// Maximise the admitted priority Σ_{k∈A} priority_k, then minimise the admitted set's energy.
        case maxServed = "max-served"
    }

    /// Why a client was left out.
    public enum Reason: String, Codable, Sendable, Hashable, CaseIterable {
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
}
