/// A solver's answer, `flexgen-solution/1`. It verifies on its own: `Evaluation` recomputes
/// every energy and constraint from the problem and these decisions.
public struct Solution: Codable, Sendable, Hashable {
    public static let formatName = "flexgen-solution/1"

    /// The problem's `name`.
    public var problem: String
    /// The solver variant that produced it (`flexgen`, `exhaustive`, `full-model`, …).
    public var solver: String
    public var status: SolutionStatus
    /// Σ_k (E^c_k + E^t_k) (J); nil when there is no solution.
    public var totalEnergyJ: Double?
    /// A proven lower bound on the optimal energy (J), when known.
    public var lowerBoundJ: Double?
    /// (totalEnergyJ − lowerBoundJ) / totalEnergyJ, when known.
    public var gap: Double?
    /// Wall-clock solve time (s).
    public var solveTimeS: Double
    /// For an infeasible problem: which constraint and which clients.
    public var diagnostics: [Diagnostic]?
    public var clients: [ClientDecision]
    /// Extension: the prices at the end of the solve (compute μ, bandwidth λ, per target ν).
    public var prices: Prices?
    /// Present exactly when the solve ran in admission mode: then `clients` lists the admitted
    /// clients only, and admitted plus rejected ids are exactly the problem's.
    public var admission: Admission?

    public init(problem: String, solver: String, status: SolutionStatus, totalEnergyJ: Double?,
                lowerBoundJ: Double? = nil, gap: Double? = nil, solveTimeS: Double,
                diagnostics: [Diagnostic]? = nil, clients: [ClientDecision], prices: Prices? = nil,
                admission: Admission? = nil) {
        self.problem = problem
        self.solver = solver
        self.status = status
        self.totalEnergyJ = totalEnergyJ
        self.lowerBoundJ = lowerBoundJ
        self.gap = gap
        self.solveTimeS = solveTimeS
        self.diagnostics = diagnostics
        self.clients = clients
        self.prices = prices
        self.admission = admission
    }

    /// Whether the solution carries an allocation (a decision per served client). A `time_limit`
    /// or `iteration_limit` result may carry one too; `status.certifiesSolution` says whether the
    /// status alone vouches for it. A solved problem with no (admitted) clients carries the empty
    /// allocation.
    public var hasAllocation: Bool { status.certifiesSolution || !clients.isEmpty }

    /// Dual prices of the shared budgets and the service targets.
    public struct Prices: Codable, Sendable, Hashable {
        /// μ, J per FLOP/s of compute rate.
        public var computeJPerFlopsPerS: Double
        /// λ, J per Hz of bandwidth.
        public var bandwidthJPerHz: Double
        /// ν per service target, J per unit of mean quality.
        public var serviceTargets: [Double]

        public init(computeJPerFlopsPerS: Double, bandwidthJPerHz: Double, serviceTargets: [Double] = []) {
            self.computeJPerFlopsPerS = computeJPerFlopsPerS
            self.bandwidthJPerHz = bandwidthJPerHz
            self.serviceTargets = serviceTargets
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case computeJPerFlopsPerS, bandwidthJPerHz, serviceTargets }

        /// Strict: unknown keys are rejected; `serviceTargets` defaults to [].
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            computeJPerFlopsPerS = try c.decode(Double.self, forKey: .computeJPerFlopsPerS)
            bandwidthJPerHz = try c.decode(Double.self, forKey: .bandwidthJPerHz)
            serviceTargets = try c.decodeIfPresent([Double].self, forKey: .serviceTargets) ?? []
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, problem, solver, status, totalEnergyJ, lowerBoundJ, gap, solveTimeS, diagnostics, clients, prices
        case admission
    }

    /// Reads the contract's fields and FlexGen's `prices`; keys of another writer's extensions are
    /// ignored (and a `prices` of another shape too), because the contract lets a solver extend the
    /// format and a solution must verify on its own whoever wrote it. `unknownKeys(inJSON:)` lists
    /// what was ignored so that a reader can warn about a typo in an optional field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try checkFormat(c, key: .format, expected: Self.formatName, codingPath: decoder.codingPath)
        try decoder.checkSchemaDeclaration()
        problem = try c.decode(String.self, forKey: .problem)
        solver = try c.decode(String.self, forKey: .solver)
        status = try c.decode(SolutionStatus.self, forKey: .status)
        totalEnergyJ = try c.decodeIfPresent(Double.self, forKey: .totalEnergyJ)
        lowerBoundJ = try c.decodeIfPresent(Double.self, forKey: .lowerBoundJ)
        gap = try c.decodeIfPresent(Double.self, forKey: .gap)
        solveTimeS = try c.decode(Double.self, forKey: .solveTimeS)
        // The encoder always writes `diagnostics` (an empty list when there are none): read [] back as nil.
        diagnostics = try c.decodeIfPresent([Diagnostic].self, forKey: .diagnostics).flatMap { $0.isEmpty ? nil : $0 }
        clients = try c.decodeIfPresent([ClientDecision].self, forKey: .clients) ?? []
        prices = (try? c.decodeIfPresent(Prices.self, forKey: .prices)) ?? nil
        admission = try c.decodeIfPresent(Admission.self, forKey: .admission)
    }

    /// The JSON paths of the keys a solution document has that FlexGen does not read (top level,
    /// `clients[k]`, and `prices` when it is not FlexGen's extension), given the document parsed
    /// by `JSONSerialization`. Empty for FlexGen's own files.
    public static func unknownKeys(inJSON object: Any) -> [String] {
        guard let top = object as? [String: Any] else { return [] }
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        var paths = top.keys.filter { !known.contains($0) && $0 != schemaDeclarationKey }.sorted()
        if let prices = top["prices"] as? [String: Any] {
            let priceKeys = Set(Prices.CodingKeys.allCases.map(\.stringValue))
            if !Set(prices.keys).isSubset(of: priceKeys) || prices["computeJPerFlopsPerS"] == nil
                || prices["bandwidthJPerHz"] == nil {
                paths.append("prices")
            }
        } else if top["prices"] != nil {
            paths.append("prices")
        }
        let clientKeys = Set(ClientDecision.CodingKeys.allCases.map(\.stringValue))
        for (k, client) in (top["clients"] as? [Any] ?? []).enumerated() {
            guard let client = client as? [String: Any] else { continue }
            paths += client.keys.filter { !clientKeys.contains($0) }.sorted().map { "clients[\(k)].\($0)" }
        }
        return paths
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatName, forKey: .format)
        try c.encode(problem, forKey: .problem)
        try c.encode(solver, forKey: .solver)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(totalEnergyJ, forKey: .totalEnergyJ)
        try c.encodeIfPresent(lowerBoundJ, forKey: .lowerBoundJ)
        try c.encodeIfPresent(gap, forKey: .gap)
        try c.encode(solveTimeS, forKey: .solveTimeS)
        // Always present, as the contract lists it among the top-level fields (docs/formats.md); empty when there is nothing to say.
        try c.encode(diagnostics ?? [], forKey: .diagnostics)
        try c.encode(clients, forKey: .clients)
        try c.encodeIfPresent(prices, forKey: .prices)
        try c.encodeIfPresent(admission, forKey: .admission)
    }
}
