import Testing
@testable import FlexGenModel

struct DiagnosticDescriptionTests {
    @Test func namesEveryClientWhenFew() {
        let d = Diagnostic(constraint: "latency", clients: ["a", "b"], message: "too slow")
        #expect(d.description == "latency [a, b]: too slow")
        #expect(Diagnostic(constraint: "budget", clients: [], message: "m").description == "budget: m")
    }

    /// A diagnostic over many clients names the first eight and counts the rest; the JSON keeps all.
    @Test func countsTheRestWhenMany() {
        let ids = (0..<2000).map { "c\($0)" }
        let d = Diagnostic(constraint: "budget", clients: ids, message: "grow F by 1.3")
        #expect(d.description == "budget [c0, c1, c2, c3, c4, c5, c6, c7, … 1992 more]: grow F by 1.3")
        #expect(d.clients.count == 2000)
        let exactlyEight = Diagnostic(constraint: "x", clients: Array(ids.prefix(8)), message: "m")
        #expect(!exactlyEight.description.contains("more"))
    }
}
