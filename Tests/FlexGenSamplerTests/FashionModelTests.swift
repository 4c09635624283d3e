import Foundation
import Testing
@testable import FlexGenSampler
import FlexGenNumerics

/// The Fashion-MNIST U-Net and classifier against the PyTorch originals (fixtures exported by
/// training/export.py from the same weights that ship in the resources), plus hand-computed
/// oracles for the parts PyTorch does not cover (width rule, FLOP count, DDIM with guidance).
@Suite("Fashion-MNIST model")
struct FashionModelTests {
    static let fixturePath = samplerTestsRepoRoot + "/Tests/FlexGenSamplerTests/Fixtures/fashion-parity.safetensors"

    static func fixtures() throws -> SafeTensors { try SafeTensors.read(path: fixturePath) }

    /// ‖a − b‖₂ / ‖b‖₂.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var num = 0.0, den = 0.0
        for (x, y) in zip(a, b) { num += Double(x - y) * Double(x - y); den += Double(y) * Double(y) }
        return (num / max(den, 1e-30)).squareRoot()
    }

    @Test func fixturesWereExportedFromTheShippedWeights() throws {
        let f = try Self.fixtures()
        let unet = try Data(contentsOf: URL(fileURLWithPath: FashionDiffusionModel.shippedWeightsPath!))
        let classifier = try Data(contentsOf: URL(fileURLWithPath: FashionResources.path("fashion-classifier")!))
        #expect(f.metadata["unetSha256"] == SHA256.hex(unet))
        #expect(f.metadata["classifierSha256"] == SHA256.hex(classifier))
    }

    @Test(arguments: [0.25, 0.5, 0.75, 1.0, 0.6])
    func noisePredictionMatchesPyTorch(width: Double) throws {
        let f = try Self.fixtures()
        let model = try FashionDiffusionModel.loadShipped()
        let x = try f.floats("x", shape: [4, 1, 28, 28])
        let t = try f.tensors["t"]!.int64s().map(Int.init), y = try f.tensors["y"]!.int64s().map(Int.init)
        let expected = try f.floats(String(format: "eps_w%.2f", width), shape: [4, 1, 28, 28])
        let got = try model.network.predictNoise(x: x, timesteps: t, labels: y, width: width)
        let error = Self.relativeError(got, expected)
        #expect(error <= 1e-4, "width \(width): relative error \(error)")
        // Per image too, so one image cannot hide behind the others.
        for i in 0..<4 {
            let r = (i * 784)..<((i + 1) * 784)
            #expect(Self.relativeError(Array(got[r]), Array(expected[r])) <= 1e-4, "width \(width), image \(i)")
        }
    }

    @Test func classifierMatchesPyTorch() throws {
        let f = try Self.fixtures()
        let classifier = try FashionClassifier.loadShipped()
        let images = try f.floats("images", shape: [6, 1, 28, 28])   // model scale [-1, 1]
        let inputs = (0..<6).map { i in images[(i * 784)..<((i + 1) * 784)].map { ($0 + 1) / 2 } }
        let result = classifier.evaluate(inputs)
        #expect(Self.relativeError(result.features.flatMap { $0 }, try f.floats("features", shape: [6, 128])) <= 1e-4)
        #expect(Self.relativeError(result.logits.flatMap { $0 }, try f.floats("logits", shape: [6, 10])) <= 1e-4)
    }

    @Test func widthRuleRoundsUpToWholeGroups() {
        let a = FashionArchitecture(baseChannels: 16, groupChannels: 4)
        // a(C, w) = 4·⌈w·C/4⌉ clamped to 4…C, by hand:
        #expect(a.active(16, width: 0.25) == 4 && a.active(32, width: 0.25) == 8)
        #expect(a.active(16, width: 0.5) == 8 && a.active(16, width: 0.75) == 12 && a.active(16, width: 1) == 16)
        #expect(a.active(16, width: 0.26) == 8)          // 4.16 channels → 2 groups
        #expect(a.active(16, width: 0.01) == 4)          // never below one group
        #expect(a.active(32, width: 0.6) == 20)          // 19.2 → 20
        #expect(a.active(16, width: 0.3 / 1.2) == 4)     // 0.25 up to a rounding error stays 1 group
    }

    @Test func flopCountMatchesAHandCount() throws {
        let a = FashionArchitecture(baseChannels: 16, groupChannels: 4)
        // Width 1, C = 16, MACs layer by layer (conv: co·ci·9·pixels, skip: co·ci·pixels, embed: co·128):
        let mlp: Int = 64 * 128 + 128 * 128
        let convInOut: Int = 2 * 16 * 9 * 784
        let down0: Int = 2 * (16 * 16 * 9 * 784) + 16 * 128
        var down1: Int = 32 * 16 * 9 * 196
        down1 += 32 * 32 * 9 * 196 + 32 * 16 * 196 + 32 * 128
        let mid: Int = 2 * (2 * (32 * 32 * 9 * 49) + 32 * 128)
        var up1: Int = 32 * 64 * 9 * 196
        up1 += 32 * 32 * 9 * 196 + 32 * 64 * 196 + 32 * 128
        var up0: Int = 16 * 48 * 9 * 784
        up0 += 16 * 16 * 9 * 784 + 16 * 48 * 784 + 16 * 128
        let expected = Double(2 * (mlp + convInOut + down0 + down1 + mid + up1 + up0))
        #expect(a.flopsPerPass(width: 1) == expected)
        let model = try FashionDiffusionModel.loadShipped()
        #expect(try model.flopsPerImage(width: 1, steps: 10, guidance: 2) == 2 * 10 * model.network.architecture.flopsPerPass(width: 1))
        #expect(try model.flopsPerImage(width: 1, steps: 10, guidance: 1) == 10 * model.network.architecture.flopsPerPass(width: 1))
        #expect(a.flopsPerPass(width: 0.25) < a.flopsPerPass(width: 0.5))
    }

    /// One guided DDIM step from pure noise is the clipped x̂₀ of the guided ε, recomputed here from
    /// two `predictNoise` calls (conditional and null label) and the formulas.
    @Test func oneGuidedStepIsTheClippedDenoisedGuess() throws {
        let model = try FashionDiffusionModel.loadShipped()
        let labels = [2, 7], guidance = 2.5, width = 0.6
        let images = try model.generate(width: width, steps: 1, labels: labels, seed: 11, guidance: guidance)
        let a = NoiseSchedule.standard.alphaBar[999]
        for (i, label) in labels.enumerated() {
            var stream = Xoshiro256.derived(seed: 11, stream: UInt64(i))
            let x = (0..<784).map { _ in stream.nextNormal() }
            let conditional = try model.network.predictNoise(x: x, timesteps: [999], labels: [label], width: width)
            let null = try model.network.predictNoise(x: x, timesteps: [999], labels: [10], width: width)
            for j in 0..<784 {
                let eps = Double(null[j]) + guidance * Double(conditional[j] - null[j])
                let x0 = min(max((Double(x[j]) - (1 - a).squareRoot() * eps) / a.squareRoot(), -1), 1)
                // x̂₀ divides by √ᾱ₉₉₉ ≈ 0.0064: a float32 rounding of ~1e-6 in ε (times g = 2.5) becomes
                // ~5e-4 in x̂₀, so 2e-3 on a [0, 1] pixel; a wrong formula is off by far more.
                #expect(abs(Double(images[i][j]) - (x0 + 1) / 2) < 2e-3, "image \(i) pixel \(j)")
            }
        }
    }

    @Test func imagesDoNotDependOnTheBatch() throws {
        var model = try FashionDiffusionModel.loadShipped()
        let three = try model.generate(width: 0.5, steps: 2, labels: [0, 1, 2], seed: 3)
        model.maxBatchImages = 1
        let oneByOne = try model.generate(width: 0.5, steps: 2, labels: [0, 1, 2], seed: 3)
        for i in 0..<3 { #expect(Self.relativeError(three[i], oneByOne[i]) < 1e-4) }
        #expect(three.allSatisfy { $0.count == 784 && $0.allSatisfy { $0 >= 0 && $0 <= 1 } })
    }

    @Test func badArgumentsThrowNamingTheArgument() throws {
        let model = try FashionDiffusionModel.loadShipped()
        #expect(throws: DiffusionInputError.width(0)) { try model.generate(width: 0, steps: 1, labels: [1], seed: 0) }
        #expect(throws: DiffusionInputError.width(1.5)) { try model.generate(width: 1.5, steps: 1, labels: [1], seed: 0) }
        #expect(throws: DiffusionInputError.steps(0, maximum: 1000)) { try model.generate(width: 1, steps: 0, labels: [1], seed: 0) }
        #expect(throws: DiffusionInputError.steps(1001, maximum: 1000)) { try model.generate(width: 1, steps: 1001, labels: [1], seed: 0) }
        #expect(throws: DiffusionInputError.label(10, maximum: 9)) { try model.generate(width: 1, steps: 1, labels: [10], seed: 0) }
    }
}

@Suite("Fashion-MNIST weight files")
struct FashionWeightFileTests {
    /// Copies the shipped U-Net (and its checksum) to a temporary folder, applying `edit` to the file.
    func copyOfShipped(edit: (inout SafeTensors) -> Void = { _ in }, checksumOfEdited: Bool = true,
                       corruptByte: Int? = nil) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fashion-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/fashion-unet.safetensors"
        let original = try Data(contentsOf: URL(fileURLWithPath: FashionDiffusionModel.shippedWeightsPath!))
        var file = try SafeTensors(decoding: original)
        edit(&file)
        var bytes = [UInt8](file.encoded())
        let sum = SHA256.hex(bytes)
        if let corruptByte { bytes[corruptByte] ^= 0x5a }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try "\(checksumOfEdited ? sum : String(repeating: "0", count: 64))  fashion-unet.safetensors\n"
            .write(toFile: path + ".sha256", atomically: true, encoding: .utf8)
        return path
    }

    @Test func theShippedFilesMatchTheirChecksums() throws {
        _ = try FashionDiffusionModel.loadShipped()
        _ = try FashionClassifier.loadShipped()
    }

    @Test func aFlippedByteIsACheckSumError() throws {
        let path = try copyOfShipped(corruptByte: 5000)
        #expect { try FashionDiffusionModel.load(path: path) } throws: { error in
            guard case .checksumMismatch(let file, _, _)? = error as? FashionModelError else { return false }
            return file == "fashion-unet.safetensors"
        }
    }

    @Test func aWrongShapeNamesTheTensor() throws {
        let path = try copyOfShipped(edit: { $0.tensors["mid1.conv1.weight"] = .init(floats: [Float](repeating: 0, count: 32 * 32 * 9), shape: [32, 32, 9]) })
        #expect { try FashionDiffusionModel.load(path: path) } throws: { error in
            "\(error)".contains("mid1.conv1.weight") && "\(error)".contains("shape")
        }
    }

    @Test func aMissingTensorNamesIt() throws {
        let path = try copyOfShipped(edit: { $0.tensors["up0.skip.bias"] = nil })
        #expect { try FashionDiffusionModel.load(path: path) } throws: { error in "\(error)".contains("up0.skip.bias") }
    }

    @Test func aNonFiniteWeightNamesTheTensor() throws {
        let path = try copyOfShipped(edit: { file in
            var values = try! file.tensors["time1.bias"]!.floats()
            values[3] = .nan
            file.tensors["time1.bias"] = .init(floats: values, shape: [128])
        })
        #expect { try FashionDiffusionModel.load(path: path) } throws: { error in "\(error)".contains("time1.bias") }
    }

    @Test func aMissingChecksumFileIsAnError() throws {
        let path = try copyOfShipped()
        try FileManager.default.removeItem(atPath: path + ".sha256")
        #expect(throws: FashionModelError.self) { try FashionDiffusionModel.load(path: path) }
    }
}

@Suite("SHA-256 and IDX")
struct FashionFormatTests {
    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a' (FIPS 180-2 appendix B.3).
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func idxParsesAHandMadeFile() throws {
        let bytes: [UInt8] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]
        let parsed = try FashionMNIST.parseIDX(bytes, path: "x")
        #expect(parsed.shape == [2, 3] && parsed.values == [1, 2, 3, 4, 5, 6])
        #expect(throws: FashionMNIST.LoadError.self) { try FashionMNIST.parseIDX(Array(bytes.dropLast()), path: "x") }
        #expect(throws: FashionMNIST.LoadError.self) { try FashionMNIST.parseIDX([0, 0, 9, 1, 0, 0, 0, 1, 7], path: "x") }
    }
}
