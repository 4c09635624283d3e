import Foundation
import Testing
import FlexGenModel
import FlexGenIO
import FlexGenScenarios

@Suite struct ScenarioTests {
    static let profile = ProfileLaw.sdLike512.profile(name: "sd", widths: ProfileLaw.defaultWidths,
                                                      steps: ProfileLaw.defaultSteps)

    /// Scaling keeps F/K and B/K: by hand, 20 → 50 clients multiplies both budgets by 2.5.
    @Test func scaledSettingsKeepThePerClientLoad() {
        let base = ScenarioSettings.preset("service-target")!
        let scaled = base.scaled(toClients: 50)
        #expect(scaled.clientCount == 50)
        #expect(scaled.server.computeRateFlopsPerS == base.server.computeRateFlopsPerS * 2.5)
        #expect(scaled.server.bandwidthHz == base.server.bandwidthHz * 2.5)
        #expect(scaled.serviceTargetTightness == base.serviceTargetTightness)
        #expect(scaled.server.maxTxPowerW == base.server.maxTxPowerW)
        #expect(base.scaled(toClients: 0).validationIssues().contains { $0.path == "clients" })
    }

    @Test func sameSeedSameBytesDifferentSeedDifferentBytes() throws {
        let settings = ScenarioSettings.preset("service-target")!
        let a = try ProblemFile.encode(ScenarioGenerator.generate(settings: settings, profile: Self.profile, seed: 7))
        let b = try ProblemFile.encode(ScenarioGenerator.generate(settings: settings, profile: Self.profile, seed: 7))
        let c = try ProblemFile.encode(ScenarioGenerator.generate(settings: settings, profile: Self.profile, seed: 8))
        #expect(a == b)
        #expect(a != c)
    }

    @Test func xoshiroReferenceStream() {
        // SplitMix64 from seed 0 gives 0xE220A8397B1DCDAF first (Vigna's reference implementation).
        var g = SeededGenerator(seed: 0)
        let first = g.next()
        var h = SeededGenerator(seed: 0)
        #expect(h.next() == first)
        // Uniform draws are in [0, 1) and have mean ≈ 1/2 (σ of the mean of 1e5 draws ≈ 0.0009).
        var sum = 0.0
        for _ in 0..<100_000 { let u = g.nextUniform(); #expect(u >= 0 && u < 1); sum += u }
        #expect(abs(sum / 100_000 - 0.5) < 0.005)
    }

    /// Statistics of a large instance against the distributions it was drawn from.
    @Test func generatedStatisticsMatchTheSettings() throws {
        var settings = ScenarioSettings()
        settings.clientCount = 4000
        settings.shadowingSigmaDb = 0
        let noShadow = ScenarioGenerator.generate(settings: settings, profile: Self.profile, seed: 11)
        #expect(try noShadow.validationIssues().isEmpty)
        // Without shadowing, every gain lies between the path loss at the cell edge and at the minimum distance.
        let lo = -pathLossDb(distanceM: settings.cellRadiusM) - 1e-3, hi = -pathLossDb(distanceM: settings.minDistanceM) + 1e-3
        #expect(noShadow.clients.allSatisfy { ($0.channelGain.decibels >= lo) && ($0.channelGain.decibels <= hi) })
        // Uniform by area: the median distance is sqrt((r0² + r1²)/2).
        let distances = noShadow.clients.map { pow(10, ((-$0.channelGain.decibels) - 128.1) / 37.6) * 1000 }.sorted()
        let median = distances[distances.count / 2]
        let expectedMedian = ((35.0 * 35 + 250 * 250) / 2).squareRoot()
        #expect(abs(median / expectedMedian - 1) < 0.03)

        settings.shadowingSigmaDb = 8
        let shadowed = ScenarioGenerator.generate(settings: settings, profile: Self.profile, seed: 11)
        // Same draw order: shadowing is gain(no shadow) − gain(shadow); its sample sd ≈ 8 dB (±0.3 at n = 4000).
        let diffs = zip(noShadow.clients, shadowed.clients).map { $0.channelGain.decibels - $1.channelGain.decibels }
        let mean = diffs.reduce(0, +) / Double(diffs.count)
        let sd = (diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(diffs.count - 1)).squareRoot()
        #expect(abs(mean) < 0.5)
        #expect(abs(sd - 8) < 0.4)

        let deadlines = shadowed.clients.map(\.deadlineS)
        #expect(deadlines.allSatisfy { $0 >= settings.deadlineMinS && $0 <= settings.deadlineMaxS })
        #expect(abs(deadlines.reduce(0, +) / Double(deadlines.count) - 2.75) < 0.05)
        // Tier shares 0.3 / 0.4 / 0.3 (sd of a share at n = 4000 ≈ 0.008).
        for tier in settings.qualityTiers {
            let share = Double(shadowed.clients.filter { $0.qualityRequirement == tier.requirement }.count) / 4000
            #expect(abs(share - tier.weight) < 0.03, "\(tier.name): \(share)")
        }
        #expect(Set(shadowed.clients.map(\.imageBits)) == Set(settings.imageBitsChoices))
    }

    @Test func serviceTargetBinds() throws {
        let problem = ScenarioGenerator.generate(settings: ScenarioSettings.preset("service-target")!,
                                                 profile: Self.profile, seed: 1)
        let target = try #require(problem.serviceTargets.first).meanQualityTarget
        // Every client on its least-work admissible configuration misses the target.
        let cheapMean = problem.clients.map { c in
            Self.profile.configs.filter { $0.quality <= c.qualityRequirement! }.min { $0.flops < $1.flops }!.quality
        }.reduce(0, +) / Double(problem.clients.count)
        #expect(cheapMean > target)
        #expect(target > Self.profile.configs.map(\.quality).min()!)
    }

    @Test func pathLoss() {
        #expect(abs(pathLossDb(distanceM: 1000) - 128.1) < 1e-12)
        #expect(abs(pathLossDb(distanceM: 100) - (128.1 - 37.6)) < 1e-12)
    }
}

@Suite struct ProfileLawTests {
    @Test func flopsAnchors() {
        let law = ProfileLaw.sdLike512
        // 50 guided steps × 1.68 TFLOP + 2.54 TFLOP decoder.
        #expect(close(law.flops(width: 1, steps: 50), 50 * 1.68e12 + 2.54e12))
        // Width 0.5: φ0 + (1 − φ0)/4 = 0.1 + 0.225 = 0.325 of a step.
        #expect(close(law.flops(width: 0.5, steps: 10), 10 * 1.68e12 * 0.325 + 2.54e12))
    }

    @Test func qualityFitIsTheLeastSquaresLine() {
        let (law, rms) = SDLikeAnchoring.fit()
        // Normal equations: residuals sum to zero and are orthogonal to w^(-α).
        var sum = 0.0, dot = 0.0
        for anchor in SDLikeAnchoring.anchors {
            let w = SDLikeAnchoring.widthEquivalent(unetParamsB: anchor.unetParamsB)
            let r = law.quality(width: w, steps: SDLikeAnchoring.anchorSteps) - anchor.fid
            sum += r
            dot += r / w
        }
        #expect(abs(sum) < 1e-9)
        #expect(abs(dot) < 1e-9)
        #expect(rms < 1)
    }

    @Test func menuIsMonotone() {
        let law = ProfileLaw.sdLike512
        for w in ProfileLaw.defaultWidths {
            for (s1, s2) in zip(ProfileLaw.defaultSteps, ProfileLaw.defaultSteps.dropFirst()) {
                #expect(law.flops(width: w, steps: s1) < law.flops(width: w, steps: s2))
                #expect(law.quality(width: w, steps: s1) > law.quality(width: w, steps: s2))
            }
        }
        let profile = law.profile(name: "x", widths: ProfileLaw.defaultWidths, steps: ProfileLaw.defaultSteps)
        #expect(profile.configs.count == 24)
        #expect(profile.validationIssues().isEmpty)
    }

    @Test func shippedProfileIsTheLaw() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shipped = try ProfileFile.load(path: root.appendingPathComponent("problems/profiles/sd-like-512.json").path)
        let law = ProfileLaw.sdLike512.profile(name: ProfileLaw.sdLike512Name, widths: ProfileLaw.defaultWidths,
                                               steps: ProfileLaw.defaultSteps)
        #expect(shipped == law)
    }
}

/// The paper-default server is anchored on a measured energy per image (problems/README.md).
@Suite struct EnergyAnchoringTests {
    /// Hand computation: the full model (w 1, 50 steps) is 50 · 1.68e12 + 2.54e12 = 86.54e12 FLOP;
    /// at the cap 1e14 FLOP/s it costs 86.54e12 · (3.0e-12 + 7.7e-41 · 1e28) = 326.26 J, which
    /// must match the measured 2610.57 J / 8 images = 326.32 J within 0.1 %.
    @Test func fullModelAtTheCapMatchesTheMeasurement() {
        let full = ProfileLaw.sdLike512.flops(width: 1, steps: 50)
        #expect(abs(full - 86.54e12) <= 1e-9 * full)
        let server = ScenarioSettings().server
        #expect(server.maxJobComputeRateFlopsPerS == 1e14)
        let model = full * (server.energyPerFlopJ + server.dvfsCoefficient * 1e28)
        #expect(abs(model - 326.26) < 0.01, "\(model)")
        let measured = 2610.5721000000367 / 8
        #expect(abs(EnergyAnchoring.anchor.energyPerImageJ - measured) < 1e-9)
        #expect(abs(model / measured - 1) < 1e-3)
        // The implied sustained rate: 86.54 TFLOP in 6.7659 s / 8 per image ≈ 1.023e14 FLOP/s ≥ the cap.
        let sustained = full / EnergyAnchoring.anchor.secondsPerImage
        #expect(abs(sustained - 1.0232e14) < 0.001e14 && sustained >= server.maxJobComputeRateFlopsPerS!)
    }
}
