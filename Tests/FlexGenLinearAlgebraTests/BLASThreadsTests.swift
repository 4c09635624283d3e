import Foundation
import Testing
@testable import FlexGenLinearAlgebra

@Suite struct BLASThreadsTests {
    /// A fake process-wide setting, recording every write.
    final class FakeSetting: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int
        private(set) var writes: [Int] = []
        init(_ value: Int) { self.value = value }
        var current: Int { lock.lock(); defer { lock.unlock() }; return value }
        func write(_ v: Int) { lock.lock(); value = v; writes.append(v); lock.unlock() }
        lazy var scoped = ScopedSetting(get: { self.current }, set: { self.write($0) })
    }

    /// One scope: the value is the requested one inside and the previous one afterwards, also
    /// when the body throws.
    @Test func aScopeSetsAndRestores() throws {
        struct Thrown: Error {}
        let fake = FakeSetting(4)
        let scoped = fake.scoped
        let inside = scoped.withValue(1) { fake.current }
        #expect(inside == 1 && fake.current == 4 && fake.writes == [1, 4])
        #expect(throws: Thrown.self) { try scoped.withValue(2) { throw Thrown() } }
        #expect(fake.current == 4 && fake.writes == [1, 4, 2, 4])
    }

    /// Overlapping scopes on two threads: the setting is written once on entry and once on the
    /// last exit, never restored while the other scope still runs.
    @Test func overlappingScopesRestoreOnlyAtTheLastExit() {
        let fake = FakeSetting(2)
        let scoped = fake.scoped
        let firstInside = DispatchSemaphore(value: 0), secondDone = DispatchSemaphore(value: 0)
        let observedAfterSecond = Box()
        let thread = Thread {
            scoped.withValue(1) {
                firstInside.signal()
                secondDone.wait()          // the second scope has ended; this one still runs
                observedAfterSecond.value = fake.current
            }
        }
        thread.start()
        firstInside.wait()
        scoped.withValue(1) { _ = fake.current }
        secondDone.signal()
        while fake.writes.count < 2 { usleep(1000) }
        #expect(observedAfterSecond.value == 1)
        #expect(fake.writes == [1, 2] && fake.current == 2)
    }

    final class Box: @unchecked Sendable { var value = 0 }

    /// A product computed with one OpenBLAS thread equals the hand-computed one, and OpenBLAS
    /// reports at least one thread.
    @Test func oneThreadProductsAreRight() {
        let product = BLAS.withThreadCount(1) { BLAS.matmul([1, 2, 3, 4], rows: 2, cols: 2, [5, 6, 7, 8], bRows: 2, bCols: 2) }
        #expect(product == [19, 22, 43, 50])
        #expect(BLAS.threadCount >= 1)
    }
}
