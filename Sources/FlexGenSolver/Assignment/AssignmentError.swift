/// Bad input to the assignment step (a caller bug, not an outcome).
enum AssignmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case clientWithoutCandidates(client: Int)
    case nonFiniteCost(client: Int, candidate: Int)
    case targetMemberOutOfRange(target: Int, member: Int)
    case glpk(String)

    var description: String {
        switch self {
        case .clientWithoutCandidates(let k): "client \(k) has no admissible configuration"
        case .nonFiniteCost(let k, let c): "client \(k), candidate \(c): cost is not finite"
        case .targetMemberOutOfRange(let j, let k): "service target \(j) names client index \(k), out of range"
        case .glpk(let message): "GLPK: \(message)"
        }
    }
}
