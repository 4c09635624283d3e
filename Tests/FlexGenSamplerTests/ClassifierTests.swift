import Foundation
import Testing
@testable import FlexGenSampler

@Suite struct ClassifierTests {
    @Test func shippedWeightsReachNinetyFivePercentOnHeldOut() throws {
        let data = try DigitsDataset.loadShipped()
        let model = try DigitsClassifier.loadShipped()
        let accuracy = model.accuracy(on: data.heldOut)
        #expect(data.heldOut.count == 400)
        #expect(accuracy >= 0.95, "held-out accuracy \(accuracy)")
        // Features: 64 per image, non-negative (post-ReLU), finite.
        let features = model.features(of: data.heldOut.prefix(5).map(\.pixels))
        #expect(features.count == 5 && features.allSatisfy { $0.count == DigitsClassifier.featureSize })
        #expect(features.joined().allSatisfy { $0.isFinite && $0 >= 0 })
    }

    @Test func weightsRoundTripThroughSafeTensors() throws {
        let model = try DigitsClassifier.loadShipped()
        let decoded = try DigitsClassifier(safeTensors: SafeTensors(decoding: model.safeTensors.encoded()))
        #expect(decoded == model)
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        // Independent oracle for the hand-written backward pass: central differences of the loss
        // in double-checked directions, on a tiny batch with a freshly initialised model.
        let data = try DigitsDataset.loadShipped()
        var settings = ClassifierTrainingSettings()
        settings.epochs = 1
        settings.batchSize = 1397
        let model = try ClassifierTrainer.train(on: Array(data.training.prefix(20)), settings: settings)
        let batch = Array(data.training.prefix(6))
        let pixels = batch.flatMap(\.pixels), labels = batch.map(\.label)
        let (_, gradients) = ClassifierTrainer.lossAndGradients(model, pixels: pixels, labels: labels)
        let h: Float = 1e-2
        for (layer, index) in [(0, 100), (1, 777), (2, 5), (2, 321)] {
            var plus = model, minus = model
            plus.weights[layer][index] += h
            minus.weights[layer][index] -= h
            let lp = ClassifierTrainer.lossAndGradients(plus, pixels: pixels, labels: labels).loss
            let lm = ClassifierTrainer.lossAndGradients(minus, pixels: pixels, labels: labels).loss
            let numeric = (lp - lm) / Double(2 * h)
            let analytic = Double(gradients.weights[layer][index])
            #expect(abs(numeric - analytic) <= 2e-3 + 0.05 * abs(analytic), "layer \(layer)[\(index)]: \(numeric) vs \(analytic)")
        }
        for (layer, index) in [(0, 3), (2, 7)] {
            var plus = model, minus = model
            plus.biases[layer][index] += h
            minus.biases[layer][index] -= h
            let numeric = (ClassifierTrainer.lossAndGradients(plus, pixels: pixels, labels: labels).loss
                - ClassifierTrainer.lossAndGradients(minus, pixels: pixels, labels: labels).loss) / Double(2 * h)
            let analytic = Double(gradients.biases[layer][index])
            #expect(abs(numeric - analytic) <= 2e-3 + 0.05 * abs(analytic))
        }
    }

    @Test func shortTrainingIsDeterministicAndLowersLoss() throws {
        let data = try DigitsDataset.loadShipped()
        var settings = ClassifierTrainingSettings()
        settings.epochs = 3
        var losses: [Double] = []
        let first = try ClassifierTrainer.train(on: data.training, settings: settings) { _, loss in losses.append(loss) }
        let second = try ClassifierTrainer.train(on: data.training, settings: settings)
        #expect(first.safeTensors.encoded() == second.safeTensors.encoded())
        #expect(losses.count == 3 && losses[2] < losses[0])
        // A different seed gives different weights.
        settings.seed = 8
        #expect(try ClassifierTrainer.train(on: data.training, settings: settings) != first)
    }

    @Test func softmaxIsStableForExtremeLogits() {
        let p = DigitsClassifier.softmax([1000, 0, -1000])
        #expect(p.allSatisfy(\.isFinite) && abs(p[0] - 1) < 1e-12)
        #expect(DigitsClassifier.softmax([0, 0]) == [0.5, 0.5])
    }

    @Test func shiftMovesPixels() {
        var image = [Float](repeating: 0, count: 64)
        image[0] = 5 // (row 0, col 0)
        let moved = ClassifierTrainer.shifted(image, dx: 1, dy: 1)
        #expect(moved[9] == 5 && moved.reduce(0, +) == 5)
        #expect(ClassifierTrainer.shifted(image, dx: -1, dy: 0).reduce(0, +) == 0) // falls off the edge
    }
}
