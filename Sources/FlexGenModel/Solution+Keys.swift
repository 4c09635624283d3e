extension Solution {
    /// The keys of a `clients[k]` entry that FlexGen reads; a reader that lists unknown keys without
    /// building the whole document (FlexGenIO's `SolutionFile.unknownKeys(in:)`) skips entries
    /// whose keys are all in here.
    public static let clientDecisionKeys: Set<String> = Set(ClientDecision.CodingKeys.allCases.map(\.stringValue))
}
