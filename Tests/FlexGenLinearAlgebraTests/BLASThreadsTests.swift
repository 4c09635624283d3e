import Testing
@testable import FlexGenLinearAlgebra

@Suite struct BLASThreadsTests {
    /// The scoped setting is the requested value inside and the previous one afterwards, also when
    /// the body throws (on a fake setting: OpenBLAS's is process-wide, and tests run in parallel).
    @Test func settingIsScopedAndRestored() throws {
        struct Thrown: Error {}
        var setting = 4
        var writes: [Int] = []
        let inside = BLAS.scoped(1, get: { setting }, set: { setting = $0; writes.append($0) }) { setting }
        #expect(inside == 1 && setting == 4 && writes == [1, 4])
        #expect(throws: Thrown.self) { try BLAS.scoped(2, get: { setting }, set: { setting = $0 }) { throw Thrown() } }
        #expect(setting == 4)
    }

    /// A product computed with one OpenBLAS thread equals the hand-computed one, and OpenBLAS
    /// reports at least one thread.
    @Test func oneThreadProductsAreRight() {
        let product = BLAS.withThreadCount(1) { BLAS.matmul([1, 2, 3, 4], rows: 2, cols: 2, [5, 6, 7, 8], bRows: 2, bCols: 2) }
        #expect(product == [19, 22, 43, 50])
        #expect(BLAS.threadCount >= 1)
    }
}
