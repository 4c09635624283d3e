/// A string enum of the JSON formats (a status, an outcome, a reason, a direction): a value it
/// does not know is an error at that value's path that lists the names it accepts, e.g.
/// `status: expected one of optimal, feasible, infeasible, time_limit, iteration_limit,
/// numerical_error; got "OPTIMAL"`, where the default decoding only says the string is invalid.
public protocol NamedCase: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension NamedCase {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = Self(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(name)\"")
        }
        self = value
    }
}
