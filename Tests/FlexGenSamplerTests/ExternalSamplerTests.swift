import Foundation
import Testing
@testable import FlexGenSampler

@Suite struct ExternalSamplerTests {
    /// A fake worker written in sh: `script` runs after nothing, so each test states the whole behaviour.
    static func shell(_ script: String, timeout: Double = 2) throws -> ExternalSampler {
        var settings = ExternalSampler.Settings()
        settings.handshakeTimeoutS = timeout
        settings.requestTimeoutS = timeout
        return try ExternalSampler(executable: "/bin/sh", arguments: ["-c", script], settings: settings)
    }

    static let handshake = #"echo '{"protocol":"flexgen-sampler/1","sampler":"fake"}'"#

    @Test func realWorkerMatchesTheInProcessModelBitForBit() throws {
        guard let binary = samplerTestsFlexgen else { throw FlexgenBinaryMissing() }
        let external = try ExternalSampler(executable: binary, arguments: ["sampler-worker"])
        #expect(external.name == "builtin-digits")
        let request = SampleRequest(width: 0.5, steps: 3, count: 12, seed: 99, labels: (0..<12).map { ($0 * 3) % 10 })
        let remote = try external.generate(request)
        let local = try BuiltinSampler().generate(request)
        // Float → JSON (shortest round-trip decimal of the Double) → Float is exact.
        #expect(remote.samples == local.samples)
        #expect(remote.flopsPerImage == local.flopsPerImage)
        #expect(remote.wallTimeS >= 0)
        // A bad request is an error response; the worker keeps serving.
        #expect(throws: SamplerError.self) { try external.generate(SampleRequest(width: 0.5, steps: 100_000, count: 2, seed: 1)) }
        let again = try external.generate(SampleRequest(width: 1, steps: 1, count: 2, seed: 1))
        #expect(again.samples?.count == 2)
    }

    @Test func clientSideRequestChecksNeedNoWorkerRoundTrip() throws {
        let sampler = try Self.shell(Self.handshake + "; cat > /dev/null")
        #expect(throws: SamplerError.badRequest("width: must be in (0, 1], got 0.0")) {
            try sampler.generate(SampleRequest(width: 0, steps: 1, count: 1, seed: 1))
        }
    }

    @Test func workerThatExitsImmediately() {
        #expect(throws: SamplerError.workerExited(status: 3, stderrTail: "boom")) { try Self.shell("echo boom >&2; exit 3") }
    }

    @Test func garbageHandshake() {
        #expect(throws: SamplerError.self) { try Self.shell("echo 'hello there'; sleep 5") }
        #expect(throws: SamplerError.protocolMismatch(expected: "flexgen-sampler/1", got: "other/9")) {
            try Self.shell(#"echo '{"protocol":"other/9"}'; sleep 5"#)
        }
    }

    @Test func silentWorkerTimesOutInsteadOfHanging() {
        let start = Date()
        #expect(throws: SamplerError.timeout(seconds: 0.5, waitingFor: "handshake")) { try Self.shell("sleep 30", timeout: 0.5) }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func workerThatStallsOnARequestTimesOut() throws {
        let sampler = try Self.shell(Self.handshake + "; sleep 30", timeout: 0.5)
        #expect(throws: SamplerError.timeout(seconds: 0.5, waitingFor: "response to request 1")) {
            try sampler.generate(SampleRequest(width: 1, steps: 1, count: 1, seed: 1))
        }
        // Dead after the failure: a typed error, immediately.
        #expect(throws: SamplerError.self) { try sampler.generate(SampleRequest(width: 1, steps: 1, count: 1, seed: 1)) }
    }

    @Test func workerThatDiesOnARequest() throws {
        let sampler = try Self.shell(Self.handshake + "; read line; exit 7")
        #expect(throws: SamplerError.workerExited(status: 7, stderrTail: "")) {
            try sampler.generate(SampleRequest(width: 1, steps: 1, count: 1, seed: 1))
        }
    }

    @Test func garbageAndWrongShapesInResponses() throws {
        let garbage = try Self.shell(Self.handshake + "; read line; echo 'not json'; sleep 5")
        #expect(throws: SamplerError.malformedResponse("not a JSON object: not json")) {
            try garbage.generate(SampleRequest(width: 1, steps: 1, count: 1, seed: 1))
        }
        let short = try Self.shell(Self.handshake + #"; read line; echo '{"id":1,"ok":true,"wallTimeS":0.1,"samples":[[1,2,3]]}'; sleep 5"#)
        #expect(throws: SamplerError.malformedResponse("samples must be 1 arrays of 64 numbers")) {
            try short.generate(SampleRequest(width: 1, steps: 1, count: 1, seed: 1))
        }
        let wrongID = try Self.shell(Self.handshake + #"; read line; echo '{"id":5,"ok":true,"wallTimeS":0.1,"quality":3}'; sleep 5"#)
        #expect(throws: SamplerError.self) { try wrongID.generate(SampleRequest(width: 1, steps: 1, count: 1, seed: 1)) }
    }

    @Test func qualityOnlyResponsesAreAccepted() throws {
        let sampler = try Self.shell(Self.handshake + #"; read line; echo '{"id":1,"ok":true,"wallTimeS":0.25,"quality":12.5,"extra":"ignored"}'; cat > /dev/null"#)
        let batch = try sampler.generate(SampleRequest(width: 1, steps: 4, count: 2, seed: 1))
        #expect(batch == SampleBatch(samples: nil, quality: 12.5, wallTimeS: 0.25, flopsPerImage: nil))
        #expect(sampler.name == "fake")
    }

    @Test func missingExecutable() {
        #expect(throws: SamplerError.self) { try ExternalSampler(executable: "/nonexistent/worker") }
    }

    @Test func workerLoopAnswersEveryLine() throws {
        final class Tiny: Sampler {
            var name: String { "tiny" }
            func generate(_ r: SampleRequest) throws -> SampleBatch {
                SampleBatch(samples: Array(repeating: Array(repeating: 1, count: 64), count: r.count), wallTimeS: 0.5, flopsPerImage: 10)
            }
        }
        var input = [#"{"id":1,"width":1,"steps":2,"count":1,"seed":3}"#, "garbage", "",
                     #"{"id":2,"width":1,"steps":2,"count":1,"seed":3,"stpes":4}"#, #"{"id":3,"width":2,"steps":2,"count":1,"seed":3}"#,
                     #"{"id":4,"steps":2,"count":1,"seed":3}"#]
        var output: [String] = []
        SamplerWorker.serve(Tiny(), readLine: { input.isEmpty ? nil : input.removeFirst() }, writeLine: { output.append($0) })
        #expect(output.count == 6) // handshake + 5 answers (the empty line is skipped)
        #expect(output[0] == #"{"protocol":"flexgen-sampler/1","sampler":"tiny"}"#) // byte-exact, as documented
        let objects = output.map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects[0]["protocol"] as? String == "flexgen-sampler/1" && objects[0]["sampler"] as? String == "tiny")
        #expect(objects[1]["ok"] as? Bool == true && (objects[1]["samples"] as? [[Double]])?.first?.count == 64)
        #expect(objects[2]["ok"] as? Bool == false && objects[2]["id"] is NSNull)
        #expect((objects[3]["error"] as? String)?.contains("stpes") == true && objects[3]["id"] as? Int == 2)
        #expect((objects[4]["error"] as? String)?.hasPrefix("width") == true)
        #expect((objects[5]["error"] as? String)?.contains("width: required") == true)
        // The client-side decoder accepts what the worker loop writes.
        let batch = try ExternalSampler.decodeResponse(output[1], id: 1, count: 1)
        #expect(batch.wallTimeS == 0.5 && batch.flopsPerImage == 10)
    }
}
