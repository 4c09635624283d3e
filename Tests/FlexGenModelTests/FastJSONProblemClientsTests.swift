import FlexGenNumerics
import Foundation
import Testing
import FlexGenModel
@testable import FlexGenIO

extension FastJSONReaderTests {
    /// Problem documents whose client objects are edited (keys repeated, misspelt, escaped or
    /// added; values null, of another kind, out of Double's range; both or neither channel gain;
    /// optional fields dropped): whenever the fast reader (with its direct path for `clients`)
    /// accepts one, Foundation accepts it too with the same value; and `FlexGenJSON.decode` gives
    /// Foundation's value or error on every one.
    @Test func editedProblemClientsAgreeWithFoundation() throws {
        let edits: [(String, String)] = [
            (#""deadlineS" : "#, #""deadlineS" : 1, "deadlineS" : "#), (#""imageBits" : "#, #""imageBitz" : "#),
            (#""deadlineS" : "#, #""\u0064eadlineS" : "#), (#""id" : "#, #""id" : 7, "other" : "#),
            (#""qualityRequirement" : "#, #""qualityRequirement" : null, "q" : "#),
            (#""imageBits" : "#, #""extra" : {"a" : [1]}, "imageBits" : "#),
            (#""deadlineS" : "#, #""deadlineS" : 1e999, "x" : "#), (#""imageBits" : "#, #""imageBits" : 1e-400, "x" : "#),
            (#""channelGainDb" : "#, #""channelGain" : 0.5, "channelGainDb" : "#),
            (#""channelGainDb" : "#, #""channelGainDB" : "#), (#""uplinkDelayS" : "#, #""uplinkDelayS" : "1", "x" : "#),
            (#""uplinkDelayS" : "#, #""uplinkDelayS" : -0, "x" : "#), (#""qualityRequirement" : "#, #""priority" : 2, "qualityRequirement" : "#),
            (#""priority" : "#, #""priority" : null, "y" : "#), (#""id" : "#, #""id" : "dup", "id" : "#),
            (#""uplinkDelayS" : "#, #""uplinkDelayS" : 0.25, "z" : 1, "w" : "#),
        ]
        var random = Xoshiro256(seed: 14)
        var fastAccepted = 0, total = 0
        let originals = try ["paper-default.json", "service-target-20.json", "tiny-3.json"].map {
            try Self.canonical(try ProblemFile.load(path: Self.folder.appendingPathComponent($0).path))
        }
        for _ in 0..<150 {
            var text = String(decoding: originals.randomElement(using: &random)!, as: UTF8.self)
            text = FastJSONReaderTests.randomlyEdited(text, edits: edits, random: &random)
            let data = Data(text.utf8)
            total += 1
            let reference = Self.foundation(Problem.self, data)
            if let fast = FlexGenJSON.fastDecode(Problem.self, from: data, userInfo: Self.resolverInfo) {
                fastAccepted += 1
                let expected = try #require(reference, "fast accepted a document Foundation refuses: \(text.prefix(300))")
                #expect(try Self.canonical(fast) == Self.canonical(expected))
                #expect(fast == expected)
            }
            let answer = Result { try FlexGenJSON.decode(Problem.self, from: data, userInfo: Self.resolverInfo) }
            let foundation = Result {
                let decoder = JSONDecoder()
                decoder.userInfo = Self.resolverInfo
                return try decoder.decode(Problem.self, from: data)
            }
            switch (answer, foundation) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)")
            default: Issue.record("FlexGenJSON.decode and JSONDecoder disagree on \(text.prefix(300))")
            }
        }
        #expect(fastAccepted > total / 10 && fastAccepted < total, "\(fastAccepted) of \(total)")
    }
}
