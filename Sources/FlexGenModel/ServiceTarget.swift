/// A service-level target: the mean quality over a group of clients must be at least as good
/// as `meanQualityTarget` (in the profile's metric).
public struct ServiceTarget: Codable, Sendable, Hashable {
    /// Client ids in the group; nil covers every client.
    public var clients: [String]?
    public var meanQualityTarget: Double

    public init(clients: [String]? = nil, meanQualityTarget: Double) {
        self.clients = clients
        self.meanQualityTarget = meanQualityTarget
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case clients, meanQualityTarget }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clients = try c.decodeUnlessAbsent([String].self, forKey: .clients)
        meanQualityTarget = try c.decode(Double.self, forKey: .meanQualityTarget)
    }

    /// Indices (into `problem.clients`) of the clients this target covers.
    public func memberIndices(in problem: Problem) -> [Int] {
        guard let ids = clients else { return Array(problem.clients.indices) }
        let index = problem.clientIndex
        return ids.compactMap { index[$0] }
    }
}
