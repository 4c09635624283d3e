/// A list of lists in one contiguous buffer: list k is `values[starts[k] ..< starts[k + 1]]`.
///
/// Why: the decomposition keeps a short list per client (its options, their priced candidates).
/// As `[[Element]]` every client costs an array object (a heap block with a 32-byte header and
/// the allocator's own overhead) besides its elements; at 10^5 clients those blocks were a
/// visible part of the solve's peak memory (docs/architecture.md, "Memory"). Here the whole
/// structure is two arrays.
///
/// Reads like `[[Element]]`: `lists.count`, `lists[k]` (a zero-based view), `lists[k][n]`,
/// `lists[k].count`, `for list in lists`, `lists.map { … }`.
struct FlatLists<Element>: RandomAccessCollection {
    /// Every list's elements, list after list.
    private(set) var values: [Element]
    /// `starts[k]` is where list k begins in `values`; `starts[count]` is `values.count`.
    private(set) var starts: [Int]

    init() {
        values = []
        starts = [0]
    }

    /// The same lists as `nested`, in the same order.
    init(_ nested: [[Element]]) {
        self.init()
        starts.reserveCapacity(nested.count + 1)
        values.reserveCapacity(nested.reduce(0) { $0 + $1.count })
        for list in nested { append(contentsOf: list) }
    }

    /// `values` cut into lists of the same lengths as `shape`'s (e.g. a value per option of every
    /// client, in the options' order). Precondition: `values.count == shape.totalCount`.
    init<Other>(values: [Element], shapedAs shape: FlatLists<Other>) {
        precondition(values.count == shape.totalCount, "FlatLists: \(values.count) values for \(shape.totalCount) places")
        self.values = values
        self.starts = shape.starts
    }

    /// Appends one list.
    mutating func append<S: Sequence>(contentsOf list: S) where S.Element == Element {
        values.append(contentsOf: list)
        starts.append(values.count)
    }

    /// Reserves room for `lists` more lists with `elements` more elements in all.
    mutating func reserveCapacity(lists: Int, elements: Int) {
        starts.reserveCapacity(starts.count + lists)
        values.reserveCapacity(values.count + elements)
    }

    /// How many elements all lists hold together.
    var totalCount: Int { values.count }

    var startIndex: Int { 0 }
    var endIndex: Int { starts.count - 1 }

    subscript(k: Int) -> List { List(values: values, start: starts[k], end: starts[k + 1]) }

    /// Element n of list k, without making the list's view.
    @inline(__always) func element(_ k: Int, _ n: Int) -> Element { values[starts[k] + n] }

    /// Where element n of list k sits in `values` (the flat index).
    @inline(__always) func flatIndex(_ k: Int, _ n: Int) -> Int { starts[k] + n }

    /// One list, indexed from 0 like an array (shares the buffer; no copy).
    struct List: RandomAccessCollection {
        let values: [Element]
        let start: Int
        let end: Int
        var startIndex: Int { 0 }
        var endIndex: Int { end - start }
        @inline(__always) subscript(n: Int) -> Element { values[start + n] }
    }
}

extension FlatLists: Sendable where Element: Sendable {}
extension FlatLists.List: Sendable where Element: Sendable {}
extension FlatLists: Equatable where Element: Equatable {}
extension FlatLists: Hashable where Element: Hashable {}
