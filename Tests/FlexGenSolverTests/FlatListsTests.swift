import Testing
@testable import FlexGenSolver

/// `FlatLists` reads exactly like the `[[Element]]` it was built from (the oracle), empty lists
/// and an empty outer list included.
struct FlatListsTests {
    static let cases: [[[Int]]] = [
        [],
        [[]],
        [[1, 2, 3], [], [4], [], []],
        (0..<50).map { k in Array(0..<(k % 7)).map { $0 * 10 + k } },
    ]

    @Test(arguments: cases.indices)
    func readsLikeNestedArrays(index: Int) {
        let nested = Self.cases[index]
        let flat = FlatLists(nested)
        #expect(flat.count == nested.count)
        #expect(flat.totalCount == nested.reduce(0) { $0 + $1.count })
        #expect(flat.map { Array($0) } == nested)
        var offset = 0
        for (k, list) in nested.enumerated() {
            #expect(flat[k].count == list.count)
            #expect(Array(flat[k].indices) == Array(list.indices))
            for n in list.indices {
                #expect(flat[k][n] == list[n])
                #expect(flat.element(k, n) == list[n])
                #expect(flat.flatIndex(k, n) == offset + n)
            }
            offset += list.count
        }
    }

    @Test func appendingListByListEqualsBuildingFromNested() {
        let nested = Self.cases[2]
        var flat = FlatLists<Int>()
        flat.reserveCapacity(lists: nested.count, elements: 4)
        for list in nested { flat.append(contentsOf: list) }
        #expect(flat == FlatLists(nested))
    }
}
