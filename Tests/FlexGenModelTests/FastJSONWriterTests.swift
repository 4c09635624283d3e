import FlexGenNumerics
import Foundation
import Testing
import FlexGenModel
@testable import FlexGenIO

/// The canonical writer against Foundation's `JSONEncoder` with FlexGen's settings: the same bytes.
@Suite struct FastJSONWriterTests {
    static func reference<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> [UInt8] {
        let encoder = FlexGenJSON.encoder()
        encoder.userInfo = userInfo
        return try [UInt8](encoder.encode(value))
    }

    /// A double from anywhere: random bit patterns, integers, short decimals, tiny and huge values.
    static func randomDouble<G: RandomNumberGenerator>(_ random: inout G) -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            let value = Double(bitPattern: random.next())
            return value.isFinite ? value : 0.5
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &random))
        case 2: return Double(Int.random(in: 0...9999, using: &random)) / 100
        case 3: return Double.random(in: 0...1, using: &random) * pow(10, Double(Int.random(in: -30...30, using: &random)))
        case 4: return [0.0, -0.0, 1e15, 1e16, 1e-5, 1e-4, 5e-324, .greatestFiniteMagnitude, 2.5e-5, 1e21, 123456789012345680][Int.random(in: 0...10, using: &random)]
        default: return Double.random(in: -1e6...1e6, using: &random)
        }
    }

    static func randomString<G: RandomNumberGenerator>(_ random: inout G) -> String {
        let pieces = ["a", "Z", "/", "\"", "\\", "\n", "\t", "\r", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}", " ", "0"]
        return (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func randomSolution<G: RandomNumberGenerator>(_ random: inout G) -> Solution {
        let clients = (0..<Int.random(in: 0...6, using: &random)).map { k in
            ClientDecision(id: "c\(k)" + randomString(&random), width: randomDouble(&random), steps: Int.random(in: 1...100, using: &random),
                           flops: randomDouble(&random), quality: randomDouble(&random), computeRateFlopsPerS: randomDouble(&random),
                           bandwidthHz: randomDouble(&random), txPowerW: randomDouble(&random), txTimeS: randomDouble(&random),
                           latencyS: randomDouble(&random), computeEnergyJ: randomDouble(&random), txEnergyJ: randomDouble(&random))
        }
        let diagnostics = Bool.random(using: &random) ? nil
            : [Diagnostic(constraint: "deadline", clients: ["a", randomString(&random)], message: randomString(&random))]
        return Solution(problem: randomString(&random), solver: "flexgen", status: .optimal,
                        totalEnergyJ: Bool.random(using: &random) ? randomDouble(&random) : nil,
                        lowerBoundJ: randomDouble(&random), gap: Bool.random(using: &random) ? nil : randomDouble(&random),
                        solveTimeS: randomDouble(&random), diagnostics: diagnostics, clients: clients,
                        prices: Bool.random(using: &random) ? nil
                            : .init(computeJPerFlopsPerS: randomDouble(&random), bandwidthJPerHz: randomDouble(&random),
                                    serviceTargets: (0..<Int.random(in: 0...3, using: &random)).map { _ in randomDouble(&random) }))
    }

    @Test func randomSolutionsMatchFoundationByteForByte() throws {
        var random = Xoshiro256(seed: 99)
        for _ in 0..<300 {
            let solution = Self.randomSolution(&random)
            let fast = try #require(FlexGenJSON.fastEncode(solution))
            #expect(fast == (try Self.reference(solution)))
        }
    }

    /// The solution writer's pieces, whatever their size, concatenate to Foundation's bytes plus the
    /// final newline; with an admission block and every status too.
    @Test func solutionPiecesConcatenateToFoundationsBytes() throws {
        var random = Xoshiro256(seed: 7)
        for n in 0..<200 {
            var solution = Self.randomSolution(&random)
            solution.status = SolutionStatus.allCases[n % SolutionStatus.allCases.count]
            if n % 2 == 0 {
                let rejected = (0..<Int.random(in: 0...3, using: &random)).map { k in
                    Admission.Rejection(id: "r\(k)" + Self.randomString(&random), reason: Admission.Reason.allCases[k % 3],
                                        message: Self.randomString(&random))
                }
                solution.admission = Admission(mode: .maxServed, admittedCount: solution.clients.count,
                                               admittedPriority: Self.randomDouble(&random),
                                               admittedPriorityUpperBound: Self.randomDouble(&random), rejected: rejected)
            }
            let expected = try Self.reference(solution) + [0x0A]
            for chunkBytes in [1, 100, 1 << 16] {
                var chunks = try #require(SolutionJSONChunks(solution, chunkBytes: chunkBytes))
                var pieces: [[UInt8]] = []
                while let piece = chunks.next() { pieces.append(piece) }
                #expect(pieces.joined().elementsEqual(expected), "solution \(n), pieces of \(chunkBytes) bytes")
                // A piece ends at the first client boundary at or past the size: never two client lists' worth.
                #expect(pieces.count <= solution.clients.count + 2)
            }
            #expect([UInt8](try FlexGenJSON.encode(solution)) == expected)
        }
    }

    /// A non-finite number anywhere in a client: the writer declines and `encode` throws Foundation's error.
    @Test func solutionWithANonFiniteNumberIsDeclined() throws {
        var random = Xoshiro256(seed: 8)
        var solution = Self.randomSolution(&random)
        solution.clients.append(ClientDecision(id: "x", width: 1, steps: 1, flops: 1, quality: 1, computeRateFlopsPerS: 1,
                                               bandwidthHz: 1, txPowerW: 1, txTimeS: .infinity, latencyS: 1,
                                               computeEnergyJ: 1, txEnergyJ: 1))
        #expect(SolutionJSONChunks(solution) == nil)
        #expect(throws: EncodingError.self) { try FlexGenJSON.encode(solution) }
    }

    @Test func shippedProblemsMatchFoundationByteForByte() throws {
        for name in FastJSONReaderTests.shippedProblems {
            let problem = try ProblemFile.load(path: ProblemsTests.folder.appendingPathComponent(name).path)
            for userInfo: [CodingUserInfoKey: any Sendable] in [[:], [.embedProfile: true]] {
                #expect(try #require(FlexGenJSON.fastEncode(problem, userInfo: userInfo)) == (try Self.reference(problem, userInfo: userInfo)), "\(name)")
            }
        }
    }

    /// Every double round-trips exactly through the written text.
    @Test func numbersRoundTrip() throws {
        var random = Xoshiro256(seed: 5)
        let values = (0..<5000).map { _ in Self.randomDouble(&random) }
        let data = try FlexGenJSON.encode(values)
        #expect([UInt8](data) == (try Self.reference(values)) + [0x0A])
        let back = try FlexGenJSON.decode([Double].self, from: data)
        #expect(back.map(\.bitPattern) == values.map(\.bitPattern))
    }

    /// Strings, keys and shapes Foundation handles specially go to Foundation, with its bytes.
    @Test func declinedValuesFallBackToFoundation() throws {
        #expect(FlexGenJSON.fastEncode(["é": 1]) == nil)
        #expect(try [UInt8](FlexGenJSON.encode(["é": 1, "b": 2])) == (try Self.reference(["é": 1, "b": 2])) + [0x0A])
        #expect(FlexGenJSON.fastEncode([Float(1.5)]) == nil)
        #expect(throws: EncodingError.self) { try FlexGenJSON.encode([Double.nan]) }
        let nested: [String: [[Int]]] = ["x": [], "y": [[1], []], "Z": [[]]]
        #expect(try #require(FlexGenJSON.fastEncode(nested)) == (try Self.reference(nested)))
    }
}
