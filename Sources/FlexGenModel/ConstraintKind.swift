/// The kinds of constraint an `Evaluation` checks; the raw value is the name `flexgen check` prints.
public enum ConstraintKind: String, Codable, Sendable, Hashable, CaseIterable, NamedCase {
    /// u_k + C_k/f_k + t_k ≤ T_k.
    case latency
    /// t_k b_k log2(1 + p_k g_k/(N0 b_k)) ≥ D_k.
    case delivery
    /// The chosen configuration's quality meets the client's requirement.
    case quality
    /// A service target's group mean quality meets its target.
    case serviceTarget
    /// Σ f_k ≤ F.
    case computeBudget
    /// Σ b_k ≤ B.
    case bandwidthBudget
    /// p_k ≤ P_max.
    case power
    /// f_k ≤ f_max, the server's per-job compute-rate cap (only when the problem states one).
    case jobComputeRate
    /// f_k > 0, b_k > 0, t_k > 0, p_k ≥ 0, every number finite.
    case positivity
    /// The (width, steps) is not in the profile, or the reported flops/quality differ from it.
    case configuration
    /// A reported latency, energy or total differs from the recomputation beyond the tolerance.
    case reportedValue
    /// A problem client has no decision in the solution.
    case missingClient
    /// A decision names a client the problem does not have, or names one twice.
    case unknownClient
    /// The `admission` block is inconsistent: ids, counts, priorities, bound, or a rejection reason
    /// that does not hold.
    case admission
}

/// One violated constraint: its kind, the clients it concerns (empty: the whole server) and a
/// message with the numbers.
public struct Violation: Codable, Sendable, Hashable, CustomStringConvertible {
    public var kind: ConstraintKind
    public var clients: [String]
    public var message: String
    /// For a service target, its index in `serviceTargets`.
    public var serviceTarget: Int?

    public init(kind: ConstraintKind, clients: [String], message: String, serviceTarget: Int? = nil) {
        self.kind = kind
        self.clients = clients
        self.message = message
        self.serviceTarget = serviceTarget
    }

    public var description: String {
        clients.isEmpty ? "\(kind.rawValue): \(message)"
            : "\(kind.rawValue) [\(clients.joined(separator: ", "))]: \(message)"
    }
}
