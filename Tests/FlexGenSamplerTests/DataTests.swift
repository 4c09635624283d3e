import Testing
@testable import FlexGenSampler

@Suite("Digits data set")
struct DataTests {
    @Test func shippedCopyHasTheDocumentedSplit() throws {
        let data = try DigitsDataset.loadShipped()
        #expect(data.training.count == 1_397)
        #expect(data.heldOut.count == 400)
        for label in 0..<10 {
            #expect(data.heldOut.filter { $0.label == label }.count == 40)
        }
        // All pixels are integers 0…16, 64 per image (the file's own contract).
        for example in data.training + data.heldOut {
            #expect(example.pixels.count == 64)
            #expect(example.pixels.allSatisfy { $0 >= 0 && $0 <= 16 && $0 == $0.rounded() })
        }
        // The first row of the file (a 0), as printed by `zcat digits.csv.gz | head -1`, heads one split.
        let firstRow: [Float] = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]
        let heads = [data.training.first!, data.heldOut.first!].filter { $0.pixels.prefix(16).elementsEqual(firstRow) }
        #expect(heads.count == 1)
        #expect(heads.first?.label == 0)
    }

    @Test func splitIsDeterministicAndDependsOnTheSeed() throws {
        let a = try DigitsDataset.loadShipped()
        let b = try DigitsDataset.loadShipped()
        #expect(a.heldOut == b.heldOut)
        let c = try DigitsDataset.loadShipped(splitSeed: 7)
        #expect(c.heldOut != a.heldOut)
        #expect(c.training.count + c.heldOut.count == 1_797)
    }

    @Test func scalingMapsEndpointsAndClampsAndNaN() {
        #expect(DigitsDataset.scaleToModel(0) == -1)
        #expect(DigitsDataset.scaleToModel(8) == 0)
        #expect(DigitsDataset.scaleToModel(16) == 1)
        #expect(DigitsDataset.scaleFromModel(-1) == 0)
        #expect(DigitsDataset.scaleFromModel(1) == 16)
        #expect(DigitsDataset.scaleFromModel(5) == 16)
        #expect(DigitsDataset.scaleFromModel(-.infinity) == 0)
        #expect(DigitsDataset.scaleFromModel(.infinity) == 16)
        #expect(DigitsDataset.scaleFromModel(.nan) == 0)
    }

    @Test func malformedRowsAreRejectedWithTheLine() {
        #expect(throws: DigitsDataset.LoadError.self) { try DigitsDataset(csv: "1,2,3\n", heldOutPerClass: 0) }
        let row = Array(repeating: "17", count: 64).joined(separator: ",") + ",3"
        #expect(throws: DigitsDataset.LoadError.malformedRow(line: 1, reason: "pixel 0 is not an integer in 0…16: '17'")) {
            try DigitsDataset(csv: row, heldOutPerClass: 0)
        }
    }
}
