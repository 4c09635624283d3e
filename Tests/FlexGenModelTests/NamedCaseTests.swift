import Foundation
import Testing
import FlexGenIO
import FlexGenModel

/// The formats' string enums (`NamedCase`): every case reads back as itself, and an unknown name is
/// an error at its JSON path that lists the accepted names, through the files' own reader (the
/// tape decoder) and through Foundation's alike.
@Suite struct NamedCaseTests {
    static func roundTrips<T: NamedCase & Encodable & Equatable>(_: T.Type) throws -> Bool {
        try T.allCases.allSatisfy { value in
            try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value)) == value
        }
    }

    @Test func everyCaseReadsBackAsItself() throws {
        #expect(try Self.roundTrips(SolutionStatus.self))
        #expect(try Self.roundTrips(QualityMetric.Direction.self))
        #expect(try Self.roundTrips(RequestOutcome.self))
        #expect(try Self.roundTrips(ConstraintKind.self))
        #expect(try Self.roundTrips(Admission.Mode.self))
        #expect(try Self.roundTrips(Admission.Reason.self))
        #expect(try JSONDecoder().decode(SolutionStatus.self, from: Data(#""time_limit""#.utf8)) == .timeLimit)
    }

    /// Foundation's decoder: a `dataCorrupted` error whose text names the six statuses in their
    /// declared order and the value given; a number where a name belongs stays a type mismatch.
    @Test func anUnknownNameListsTheAcceptedOnes() {
        do {
            _ = try JSONDecoder().decode(SolutionStatus.self, from: Data(#""OPTIMAL""#.utf8))
            Issue.record("decoded an unknown status")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription
                == #"expected one of optimal, feasible, infeasible, time_limit, iteration_limit, numerical_error; got "OPTIMAL""#)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(QualityMetric.Direction.self, from: Data("1".utf8)) }
    }

    /// The files' readers put the JSON path in front: a solution's `status`, a profile's `metric.better`.
    @Test func theFileReadersNameThePathAndTheAcceptedNames() throws {
        let solution = """
            {"format": "flexgen-solution/1", "problem": "p", "solver": "flexgen", "status": "OPTIMAL",
             "totalEnergyJ": 1, "solveTimeS": 0, "clients": []}
            """
        #expect {
            try SolutionFile.decode(Data(solution.utf8))
        } throws: { error in
            "\(error)".contains(#"status: expected one of optimal, feasible, infeasible, time_limit, iteration_limit, numerical_error; got "OPTIMAL""#)
        }
        let profile = """
            {"format": "flexgen-profile/1", "name": "p", "metric": {"name": "FID", "better": "LOWER"},
             "configs": [{"width": 1.0, "steps": 50, "flops": 4.1e13, "quality": 13.1}]}
            """
        #expect {
            try ProfileFile.decode(Data(profile.utf8))
        } throws: { error in
            // The profile's validation words it its own way; path, names and value are all there.
            let text = "\(error)"
            return text.contains("metric.better") && text.contains(#""lower""#) && text.contains(#""higher""#)
                && text.contains(#""LOWER""#)
        }
    }
}
