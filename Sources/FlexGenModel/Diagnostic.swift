/// Why a problem (or a baseline's attempt at it) is infeasible: which constraint, which clients,
/// and by how much. Written into a solution's `diagnostics`.
public struct Diagnostic: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The constraint that cannot hold: `latency`, `quality`, `service`, `compute`, `bandwidth`, ….
    public var constraint: String
    /// The clients involved (empty: all of them).
    public var clients: [String]
    /// A sentence for people.
    public var message: String
    /// For a single client's deadline: the least latency it could reach with the whole server (s).
    public var minimumLatencyS: Double?
    /// For a shared budget: the factor by which it would have to grow for the clients to fit.
    public var requiredScale: Double?
    /// For a service target: its index in `serviceTargets`, and the best mean quality reachable.
    public var serviceTarget: Int?
    public var bestReachableQuality: Double?

    public init(constraint: String, clients: [String], message: String, minimumLatencyS: Double? = nil,
                requiredScale: Double? = nil, serviceTarget: Int? = nil, bestReachableQuality: Double? = nil) {
        self.constraint = constraint
        self.clients = clients
        self.message = message
        // A figure that could not be computed (overflow, underflow) is left out rather than
        // written as NaN or infinity, which the formats do not allow.
        self.minimumLatencyS = minimumLatencyS.flatMap { $0.isFinite ? $0 : nil }
        self.requiredScale = requiredScale.flatMap { $0.isFinite ? $0 : nil }
        self.serviceTarget = serviceTarget
        self.bestReachableQuality = bestReachableQuality.flatMap { $0.isFinite ? $0 : nil }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case constraint, clients, message, minimumLatencyS, requiredScale, serviceTarget, bestReachableQuality
    }

    /// Lenient, unlike the rest of the formats: the contract asks a diagnostic for "which constraint
    /// and which clients" without naming its fields, and diagnostics are information that no check
    /// depends on, so a solution written by another tool must not be refused over them. Unknown
    /// keys are ignored; a missing `constraint` or `message` reads as "", missing `clients` as [].
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        constraint = try c.decodeIfPresent(String.self, forKey: .constraint) ?? ""
        clients = try c.decodeIfPresent([String].self, forKey: .clients) ?? []
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        minimumLatencyS = try c.decodeIfPresent(Double.self, forKey: .minimumLatencyS)
        requiredScale = try c.decodeIfPresent(Double.self, forKey: .requiredScale)
        serviceTarget = try c.decodeIfPresent(Int.self, forKey: .serviceTarget)
        bestReachableQuality = try c.decodeIfPresent(Double.self, forKey: .bestReachableQuality)
    }

    /// One line for people: the constraint, the clients (the first `Self.describedClients`, then a
    /// count, so a budget diagnostic over 100 000 clients stays readable; `clients` keeps them all),
    /// and the message.
    public var description: String {
        guard !clients.isEmpty else { return "\(constraint): \(message)" }
        var names = clients.prefix(Self.describedClients).joined(separator: ", ")
        if clients.count > Self.describedClients { names += ", … \(clients.count - Self.describedClients) more" }
        return "\(constraint) [\(names)]: \(message)"
    }

    /// Clients named in `description` before the rest are counted. 8.
    public static let describedClients = 8
}
