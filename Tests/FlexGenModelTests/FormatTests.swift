import Foundation
import Testing
import FlexGenModel
import FlexGenIO

@Suite struct FormatRoundTripTests {
    @Test func problemRoundTripKeepsGainForms() throws {
        let problem = HandFixture.twoClients
        let data = try ProblemFile.encode(problem)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"channelGain\" : 1e-10"))
        #expect(text.contains("\"channelGainDb\" : -90"))
        let decoded = try ProblemFile.decode(data, baseDirectory: nil)
        #expect(decoded == problem)
        #expect(decoded.clients[0].channelGain == .linear(1e-10))
        #expect(decoded.clients[1].channelGain == .decibels(-90))
        #expect(try ProblemFile.encode(decoded) == data)
    }

    @Test func profileRoundTrip() throws {
        let data = try FlexGenJSON.encode(HandFixture.profile)
        let decoded = try ProfileFile.decode(data)
        #expect(decoded == HandFixture.profile)
        #expect(try FlexGenJSON.encode(decoded) == data)
    }

    @Test func solutionRoundTripWithExtensions() throws {
        var solution = HandFixture.twoClientSolution
        solution.lowerBoundJ = 15
        solution.gap = 0.001
        solution.prices = .init(computeJPerFlopsPerS: 1e-13, bandwidthJPerHz: 2e-9, serviceTargets: [0.5])
        solution.diagnostics = [Diagnostic(constraint: "compute", clients: [], message: "m", requiredScale: 1.5)]
        let data = try FlexGenJSON.encode(solution)
        let decoded = try SolutionFile.decode(data)
        #expect(decoded == solution)
        #expect(try FlexGenJSON.encode(decoded) == data)
    }

    @Test func profileByPathIsResolvedRelativeToTheProblem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("profiles"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FlexGenJSON.encode(HandFixture.profile).write(to: folder.appendingPathComponent("profiles/hand.json"))
        var problem = HandFixture.twoClients
        problem.profilePath = "profiles/hand.json"
        let data = try ProblemFile.encode(problem)
        #expect(String(decoding: data, as: UTF8.self).contains("\"profile\" : \"profiles/hand.json\""))
        let path = folder.appendingPathComponent("p.json").path
        try data.write(to: URL(fileURLWithPath: path))
        let loaded = try ProblemFile.load(path: path)
        #expect(loaded == problem)
        // Embedding writes the profile inline.
        let embedded = try ProblemFile.decode(try ProblemFile.encode(problem, embedProfile: true), baseDirectory: nil)
        #expect(embedded.profile == problem.profile)
        #expect(embedded.profilePath == nil)
    }

    @Test func contractExampleDecodes() throws {
        // MODEL.md §2 example with its profile inline.
        let json = """
        {"format":"flexgen-problem/1","name":"example",
         "server":{"bandwidthHz":20e6,"noisePsdWPerHz":3.98e-21,"maxTxPowerW":1.0,"computeRateFlopsPerS":1.0e14,
                   "energyPerFlopJ":1.5e-12,"dvfsCoefficient":1.5e-40},
         "profile":{"format":"flexgen-profile/1","name":"sd-like-512","metric":{"name":"FID","better":"lower"},
           "configs":[{"width":1.0,"steps":50,"flops":4.1e13,"quality":13.1},{"width":0.5,"steps":20,"flops":5.3e12,"quality":19.7}]},
         "clients":[{"id":"u1","deadlineS":6.0,"uplinkDelayS":0.05,"channelGainDb":-100.0,"imageBits":8.0e5,"qualityRequirement":20.0}],
         "serviceTargets":[{"clients":["u1"],"meanQualityTarget":18.0}]}
        """
        let problem = try ProblemFile.decode(Data(json.utf8), baseDirectory: nil)
        #expect(problem.clients[0].channelGain.linear == 1e-10)
        #expect(problem.serviceTargets[0].clients == ["u1"])
    }
}

@Suite struct ValidationTests {
    private func issues(_ mutate: (inout Problem) -> Void) -> [InputIssue] {
        var problem = HandFixture.twoClients
        mutate(&problem)
        return problem.validationIssues()
    }

    @Test func validProblemHasNoIssues() { #expect(HandFixture.twoClients.validationIssues().isEmpty) }

    @Test func everyIssueNamesItsPath() {
        let found = issues { p in
            p.server.bandwidthHz = 0
            p.server.computeRateFlopsPerS = -1
            p.server.noisePsdWPerHz = .nan
            p.clients[0].deadlineS = -1
            p.clients[1].id = "a"
            p.clients[1].uplinkDelayS = -5
            p.clients[1].qualityRequirement = .infinity
            p.serviceTargets = [ServiceTarget(clients: ["zz"], meanQualityTarget: 1), ServiceTarget(clients: [], meanQualityTarget: 1)]
            p.profile.configs.append(Configuration(width: 1, steps: 10, flops: 1, quality: 1))
            p.profile.configs.append(Configuration(width: -0.5, steps: 0, flops: 0, quality: .nan))
        }
        let paths = Set(found.map(\.path))
        for expected in ["server.bandwidthHz", "server.computeRateFlopsPerS", "server.noisePsdWPerHz",
                         "clients[0].deadlineS", "clients[1].id", "clients[1].uplinkDelayS", "clients[1].qualityRequirement",
                         "serviceTargets[0].clients[0]", "serviceTargets[1].clients", "profile.configs[3]",
                         "profile.configs[4].width", "profile.configs[4].steps", "profile.configs[4].flops",
                         "profile.configs[4].quality"] {
            #expect(paths.contains(expected), "missing \(expected) in \(found)")
        }
        #expect(found.first { $0.path == "clients[0].deadlineS" }?.description == "clients[0].deadlineS: must be > 0, got -1.0")
    }

    @Test func emptyProfileAndNoClients() {
        // No clients is a valid (trivial) instance; an empty menu is not.
        let found = issues { p in p.profile.configs = []; p.clients = []; p.serviceTargets = [] }
        #expect(Set(found.map(\.path)) == ["profile.configs"])
        // A target covering "every client" of an empty problem has no mean.
        let targeted = issues { p in p.clients = []; p.serviceTargets = [ServiceTarget(meanQualityTarget: 18)] }
        #expect(targeted.map(\.path) == ["serviceTargets[0]"])
        #expect(Profile(name: "x", metric: .fid, configs: []).validationIssues().map(\.path) == ["configs"])
    }

    @Test func linearGainMustBePositive() {
        let found = issues { p in p.clients[0].channelGain = .linear(0) }
        #expect(found.map(\.path) == ["clients[0].channelGain"])
    }
}
