/// Bad input to the assignment step (a caller bug, not an outcome).
enum AssignmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case clientWithoutCandidates(client: Int)
    case nonFiniteCost(client: Int, candidate: Int)
    case targetMemberOutOfRange(target: Int, member: Int)
    case glpk(String)
    /// GLPK refused the step's linear model as not finite (`GLPKError.invalidModel`): after a
    /// valid problem, only a derived number (a difference of qualities, a cost) that left Double's
    /// range does that.
    case nonFiniteModel(String)

    /// Whether the instance's magnitudes, not a bug, caused it: a cost or an LP coefficient that is
    /// not a finite Double although every number of the (validated) problem is.
    var isOverflow: Bool {
        switch self {
        case .nonFiniteCost, .nonFiniteModel: true
        case .clientWithoutCandidates, .targetMemberOutOfRange, .glpk: false
        }
    }

    var description: String {
        switch self {
        case .clientWithoutCandidates(let k): "client \(k) has no admissible configuration"
        case .nonFiniteCost(let k, let c): "client \(k), candidate \(c): cost is not finite"
        case .targetMemberOutOfRange(let j, let k): "service target \(j) names client index \(k), out of range"
        case .glpk(let message): "GLPK: \(message)"
        case .nonFiniteModel(let message): "GLPK: \(message)"
        }
    }
}
