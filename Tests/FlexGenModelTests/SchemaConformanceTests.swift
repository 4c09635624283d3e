import Foundation
import Testing
import FlexGenIO
import FlexGenModel
import FlexGenNumerics
import JSONSchemaSubset

/// docs/schemas says what FlexGen's readers accept, and FlexGen's writers write what it says.
///
/// Inputs: every shipped file validates, and over seeded mutations of them (a key dropped or added,
/// a value nulled, retyped or set to a boundary number, both channel gains, an emptied or grown
/// list, a `$schema` key) a document is schema-valid exactly when FlexGen's reader accepts it. The
/// one allowed difference is a rule JSON Schema cannot state (unique ids, service targets naming
/// the problem's clients, unique (width, steps) pairs): there the schema accepts and FlexGen
/// refuses, naming that rule. Outputs: reports FlexGen writes, including nulls and violations,
/// validate; the same reports with a key dropped or added do not.
@Suite struct SchemaConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let problems = root.appendingPathComponent("problems")
    static let registry: JSONSchemaRegistry = {
        do { return try JSONSchemaRegistry(folder: root.appendingPathComponent("docs/schemas")) } catch {
            fatalError("docs/schemas: \(error)")
        }
    }()

    /// An input format: its schema and FlexGen's reader, which throws `InputError` when it refuses.
    struct InputFormat: Sendable, CustomStringConvertible {
        var schema: String
        var read: @Sendable (Data) throws -> Void
        var description: String { schema }
    }

    /// (schema, FlexGen reader) for every input format. A new input format adds one line here and
    /// its shipped files to `shippedDocuments`; the fuzz and the shipped-file test pick it up.
    static let inputFormats: [String: InputFormat] = [
        "problem": InputFormat(schema: "problem.schema.json") { _ = try ProblemFile.decode($0, baseDirectory: problems) },
        "profile": InputFormat(schema: "profile.schema.json") { _ = try ProfileFile.decode($0) },
        // A solution is read leniently (docs/formats.md): "accepts" is "reads without ignoring
        // anything", i.e. no unknown-key warning from `flexgen check` and a `prices` block that is read.
        "solution": InputFormat(schema: "solution.schema.json") { data in
            let solution = try SolutionFile.decode(data)
            let ignored = SolutionFile.unknownKeys(in: data)
            if !ignored.isEmpty { throw InputError(path: ignored[0], reason: "read past with a warning") }
            if let value = try? JSONValue(parsing: data), let prices = value["prices"], prices != .null, solution.prices == nil {
                throw InputError(path: "prices", reason: "ignored (not FlexGen's shape)")
            }
        },
        "trace": InputFormat(schema: "trace.schema.json") { data in
            _ = try TraceFile.decode(data, baseDirectory: problems.appendingPathComponent("traces"))
        },
    ]

    /// What the schemas do not state: relations between values (`InputIssue.isRelational`), that a
    /// profile path names a readable profile file, and that a number is within Double's range (a
    /// bound of 2^1024 − 2^970 would say it, but most JSON tools, Foundation's included, cannot
    /// read such a number, so the schemas say it in words).
    static func schemaCannotState(_ issue: InputIssue) -> Bool {
        issue.isRelational || (issue.path == "profile" && issue.reason.hasPrefix("profile file"))
            || issue.reason.hasPrefix("must be a finite number, got \(Mutator.overflow)")
            || issue.reason.hasPrefix("must be a finite number, got -\(Mutator.overflow)")
    }

    /// The shipped documents per input format, and ones built here for the formats nothing ships.
    static func shippedDocuments() throws -> [(format: String, name: String, value: JSONValue)] {
        var out: [(String, String, JSONValue)] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: problems.path).filter { $0.hasSuffix(".json") }.sorted()
        for file in files {
            let data = try Data(contentsOf: problems.appendingPathComponent(file))
            out.append(("problem", file, try JSONValue(parsing: data)))
            // The same problem with its profile inline, so that mutations reach the profile in a problem.
            let inline = try ProblemFile.encode(try ProblemFile.decode(data, baseDirectory: problems), embedProfile: true)
            out.append(("problem", file + " (inline profile)", try JSONValue(parsing: inline)))
        }
        let profiles = problems.appendingPathComponent("profiles")
        // *-timing.json are calibration timings, another format (docs/sampler.md); *-theory-inputs.json
        // are the measurements a `calibrate --theory` run stored for re-analysis (docs/theory.md).
        for file in try FileManager.default.contentsOfDirectory(atPath: profiles.path).sorted()
        where file.hasSuffix(".json") && !file.hasSuffix("-timing.json") && !file.hasSuffix("-theory-inputs.json") {
            out.append(("profile", "profiles/" + file, try JSONValue(parsing: Data(contentsOf: profiles.appendingPathComponent(file)))))
        }
        for (name, solution) in sampleSolutions() {
            out.append(("solution", name, try JSONValue(parsing: FlexGenJSON.encode(solution))))
        }
        // The shipped traces, cut to their first 12 requests so that each mutation stays cheap.
        let traces = problems.appendingPathComponent("traces")
        for file in try FileManager.default.contentsOfDirectory(atPath: traces.path).sorted() where file.hasSuffix(".json") {
            guard case .object(var top) = try JSONValue(parsing: Data(contentsOf: traces.appendingPathComponent(file))),
                  case .array(let requests)? = top["requests"] else { continue }
            top["requests"] = .array(Array(requests.prefix(12)))
            out.append(("trace", "traces/" + file + " (first 12 requests)", .object(top)))
        }
        return out
    }

    /// Solutions exercising every field: prices, diagnostics with the extension fields, admission.
    static func sampleSolutions() -> [(String, Solution)] {
        let decisions = [HandFixture.decisionA, HandFixture.decisionB]
        let full = Solution(problem: "hand-2", solver: "flexgen", status: .optimal, totalEnergyJ: 15.016058, lowerBoundJ: 15.0,
                            gap: 1e-3, solveTimeS: 0.01, clients: decisions,
                            prices: .init(computeJPerFlopsPerS: 1e-13, bandwidthJPerHz: 2e-7, serviceTargets: [0.5]))
        let infeasible = Solution(problem: "hand-2", solver: "flexgen", status: .infeasible, totalEnergyJ: nil, solveTimeS: 0.02,
                                  diagnostics: [Diagnostic(constraint: "latency", clients: ["a"], message: "too far",
                                                           minimumLatencyS: 2.5, requiredScale: 1.5, serviceTarget: 0,
                                                           bestReachableQuality: 19)],
                                  clients: [])
        let admitted = Solution(problem: "hand-2", solver: "flexgen", status: .feasible, totalEnergyJ: 11.00003, solveTimeS: 0.03,
                                clients: [HandFixture.decisionA],
                                admission: Admission(mode: .maxServed, admittedCount: 1, admittedPriority: 1,
                                                     admittedPriorityUpperBound: 2,
                                                     rejected: [.init(id: "b", reason: .capacity, message: "left out")]))
        return [("solution (full)", full), ("solution (infeasible)", infeasible), ("solution (admission)", admitted)]
    }

    @Test func everyShippedDocumentValidatesAndIsAccepted() throws {
        let documents = try Self.shippedDocuments()
        #expect(documents.filter { $0.format == "problem" }.count >= 14)
        #expect(documents.filter { $0.format == "profile" }.count >= 3)
        for (format, name, value) in documents {
            let spec = try #require(Self.inputFormats[format])
            #expect(try Self.registry.violations(of: value, against: spec.schema) == [], "\(name)")
            #expect(throws: Never.self, "\(name)") { try spec.read(value.data) }
        }
    }

    /// Schema-valid ⇔ accepted, over seeded mutations of every shipped document.
    @Test(arguments: ["problem", "profile", "solution", "trace"])
    func schemaAndReaderAgreeOnMutations(format: String) throws {
        let spec = try #require(Self.inputFormats[format])
        var rng = Xoshiro256(seed: 0x5C4E_3A00 ^ UInt64(format.utf8.count))
        var (bothAccept, bothRefuse, crossField) = (0, 0, 0)
        for (_, name, base) in try Self.shippedDocuments() where Self.inputFormats[format]?.schema == spec.schema {
            guard try Self.registry.isValid(base, against: spec.schema) else { continue }
            for _ in 0..<150 {
                var document = base
                var applied: [String] = []
                for _ in 0..<(1 + rng.nextInt(below: 3)) {
                    applied.append(Mutator.mutate(&document, rng: &rng))
                }
                let violations = try Self.registry.violations(of: document, against: spec.schema)
                var refusal: InputError?
                do { try spec.read(document.data) } catch let error as InputError { refusal = error }
                switch (violations.isEmpty, refusal) {
                case (true, nil): bothAccept += 1
                case (false, .some): bothRefuse += 1
                case (true, let error?):
                    let explained = error.issues.allSatisfy(Self.schemaCannotState)
                    #expect(explained, "\(name) after \(applied): schema-valid, refused: \(error)")
                    crossField += 1
                case (false, nil):
                    Issue.record("\(name) after \(applied): accepted, schema says \(violations.prefix(3))")
                }
            }
        }
        // Not vacuous: the mutations land on both sides.
        #expect(bothAccept >= 50, "\(format): \(bothAccept) accepted by both")
        #expect(bothRefuse >= 150, "\(format): \(bothRefuse) refused by both")
        // The relational rules (duplicate ids, unknown target members) are reached too.
        if format != "solution" { #expect(crossField > 0, "\(format): no mutation reached a relational rule") }
    }

    /// `channelGainDb`'s bounds in the schema are exactly the dB values whose linear gain
    /// 10^(dB/10) is a finite Double > 0 (the Swift check): the bound passes, the next Double fails.
    @Test func channelGainDbBoundsAreTheDoubleRange() throws {
        let schema = try #require(Self.registry.documents["problem.schema.json"])
        let property = try #require(schema["$defs"]?["client"]?["properties"]?["channelGainDb"])
        guard let high = property["maximum"]?.double, let low = property["minimum"]?.double else {
            Issue.record("channelGainDb has no numeric bounds"); return
        }
        for (inside, outside) in [(high, high.nextUp), (low, low.nextDown)] {
            let g = ChannelGain.decibels(inside).linear
            #expect(g.isFinite && g > 0, "\(inside)")
            let h = ChannelGain.decibels(outside).linear
            #expect(!(h.isFinite && h > 0), "\(outside)")
        }
    }

    /// A top-level `"$schema"` string is accepted by every input format and ignored; anything else
    /// there, or the key deeper in the document, is refused naming its path.
    @Test func schemaKeyIsAcceptedAtTheTopLevelOnly() throws {
        for (format, name, value) in try Self.shippedDocuments() {
            let spec = try #require(Self.inputFormats[format])
            guard case .object(var top) = value else { continue }
            top["$schema"] = .string("../docs/schemas/\(spec.schema)")
            #expect(throws: Never.self, "\(name)") { try spec.read(JSONValue.object(top).data) }
            top["$schema"] = .double(1)
            #expect(throws: InputError.self, "\(name)") { try spec.read(JSONValue.object(top).data) }
        }
        // Deeper down it is an unknown key (here a client of a problem).
        var problem = try JSONValue(parsing: Data(contentsOf: Self.problems.appendingPathComponent("tiny-3.json")))
        guard case .object(var top) = problem, case .array(var clients)? = top["clients"], case .object(var first) = clients[0] else {
            Issue.record("tiny-3.json changed shape"); return
        }
        first["$schema"] = .string("x")
        clients[0] = .object(first)
        top["clients"] = .array(clients)
        problem = .object(top)
        let error = try #require(throws: InputError.self) { try ProblemFile.decode(problem.data, baseDirectory: Self.problems) }
        #expect(error.issues.first?.path == "clients[0].$schema")
    }

    /// `"channelGainDb": null` beside `channelGain` was read as "absent"; now every null in a strict
    /// format is refused with its path (docs/formats.md).
    @Test func nullIsRefusedInStrictFormats() throws {
        var problem = HandFixture.twoClients
        problem.profilePath = nil
        let text = String(decoding: try FlexGenJSON.encode(problem), as: UTF8.self)
        let withNull = text.replacingOccurrences(of: "\"channelGain\" : 1e-10", with: "\"channelGain\" : 1e-10, \"channelGainDb\" : null")
        #expect(withNull != text)
        let error = try #require(throws: InputError.self) { try ProblemFile.decode(Data(withNull.utf8), baseDirectory: nil) }
        #expect(error.issues.first?.path == "clients[0].channelGainDb")
        #expect(error.issues.first?.reason.contains("null") == true)
    }

    /// Reports `flexgen check --json` writes validate against check.schema.json: a passing one, one
    /// with nulls (f = 0), one with a missing and an unknown client, one with an admission block.
    @Test func checkReportsValidate() throws {
        let problem = HandFixture.twoClients
        var zeroRate = HandFixture.decisionB
        zeroRate.computeRateFlopsPerS = 0
        var stranger = HandFixture.decisionA
        stranger.id = "zz"
        let solutions = Self.sampleSolutions().map(\.1) + [
            Solution(problem: "hand-2", solver: "x", status: .feasible, totalEnergyJ: 1, solveTimeS: 0,
                     clients: [HandFixture.decisionA, zeroRate]),
            Solution(problem: "hand-2", solver: "x", status: .feasible, totalEnergyJ: 1, solveTimeS: 0, clients: [stranger]),
        ]
        var sawNull = false
        for solution in solutions {
            let report = EvaluationReport(problem: problem, solution: solution, evaluation: Evaluation(problem: problem, solution: solution))
            let value = try JSONValue(parsing: FlexGenJSON.encode(report))
            sawNull = sawNull || value.text.contains("null")
            #expect(try Self.registry.violations(of: value, against: "check.schema.json") == [], "\(solution.status)")
            // … and the schema is not vacuous: a key dropped or added makes it invalid.
            guard case .object(var top) = value else { continue }
            top["surplus"] = .bool(true)
            #expect(!(try Self.registry.isValid(.object(top), against: "check.schema.json")))
            top["surplus"] = nil
            top["passes"] = nil
            #expect(!(try Self.registry.isValid(.object(top), against: "check.schema.json")))
        }
        #expect(sawNull)
    }
}

/// Seeded edits of a JSON document, each described for the failure message.
enum Mutator {
    enum Step: Hashable, CustomStringConvertible {
        case key(String), index(Int)
        var description: String { switch self { case .key(let k): ".\(k)"; case .index(let i): "[\(i)]" } }
    }

    static let numbers: [Double] = [-1, 0, -0.0, 0.5, 1, 1.5, 2, 50.5, 1e300, -1e300, 5e-324, -5e-324, 1e19, -1e19, 9.3e18,
                                    3082.6, -3240, 3082.547155599167, -3236.072453387798, 1e-7]

    /// 2^1024 − 2^970 and that minus one, as JSON integer literals.
    static let overflow = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792"
    static let belowOverflow = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791"

    static func paths(_ value: JSONValue, _ prefix: [Step] = []) -> [[Step]] {
        var out = [prefix]
        switch value {
        case .object(let members): for (k, v) in members.sorted(by: { $0.key < $1.key }) { out += paths(v, prefix + [.key(k)]) }
        case .array(let items): for (i, v) in items.enumerated() { out += paths(v, prefix + [.index(i)]) }
        default: break
        }
        return out
    }

    static func get(_ value: JSONValue, _ path: ArraySlice<Step>) -> JSONValue? {
        guard let first = path.first else { return value }
        switch (first, value) {
        case (.key(let k), .object(let m)): return m[k].flatMap { get($0, path.dropFirst()) }
        case (.index(let i), .array(let a)) where a.indices.contains(i): return get(a[i], path.dropFirst())
        default: return nil
        }
    }

    /// Replaces (nil: removes) the value at `path`.
    static func set(_ value: inout JSONValue, _ path: ArraySlice<Step>, _ new: JSONValue?) {
        guard let first = path.first else { if let new { value = new }; return }
        switch (first, value) {
        case (.key(let k), .object(var m)):
            if path.count == 1 { m[k] = new } else if var child = m[k] { set(&child, path.dropFirst(), new); m[k] = child }
            value = .object(m)
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            if path.count == 1 { if let new { a[i] = new } else { a.remove(at: i) } } else { set(&a[i], path.dropFirst(), new) }
            value = .array(a)
        default: break
        }
    }

    static func isObject(_ value: JSONValue) -> Bool { if case .object = value { true } else { false } }

    static func mutate(_ document: inout JSONValue, rng: inout Xoshiro256) -> String {
        let all = paths(document)
        func pick(_ filter: ([Step], JSONValue) -> Bool) -> [Step]? {
            let candidates = all.filter { filter($0, get(document, $0[...])!) }
            return candidates.isEmpty ? nil : candidates[rng.nextInt(below: candidates.count)]
        }
        func name(_ p: [Step]) -> String { p.map(\.description).joined() }
        switch rng.nextInt(below: 11) {
        case 0:
            guard let p = pick({ p, _ in if case .key = p.last { true } else { false } }) else { return "none" }
            set(&document, p[...], nil); return "drop \(name(p))"
        case 1:
            guard let p = pick({ _, v in if case .object = v { true } else { false } }) else { return "none" }
            set(&document, (p + [.key("zzUnknown")])[...], .double(1)); return "add \(name(p)).zzUnknown"
        case 2:
            guard let p = pick({ p, _ in !p.isEmpty }) else { return "none" }
            set(&document, p[...], .null); return "null \(name(p))"
        case 3, 4:
            guard let p = pick({ _, v in if case .number = v { true } else { false } }) else { return "none" }
            // A literal, sometimes one at the edge of Double's range: ±(2^1024 − 2^970) rounds to
            // ±infinity (refused, a rule the schemas state in words), one less rounds to
            // ±Double.greatestFiniteMagnitude (accepted).
            let literals = numbers.map { "\($0)" } + [Self.overflow, "-" + Self.overflow, Self.belowOverflow, "-" + Self.belowOverflow]
            let x = literals[rng.nextInt(below: literals.count)]
            set(&document, p[...], .number(x)); return "\(name(p)) = \(x)"
        case 5:
            guard let p = pick({ p, _ in !p.isEmpty }) else { return "none" }
            let replacement: [JSONValue] = [.string("NaN"), .string("Infinity"), .bool(true), .array([]), .object([:]), .string("")]
            let r = replacement[rng.nextInt(below: replacement.count)]
            set(&document, p[...], r); return "\(name(p)) = \(r.text)"
        case 6:
            guard let p = pick({ _, v in v["channelGainDb"] != nil || v["channelGain"] != nil }) else { return "none" }
            if rng.nextInt(below: 2) == 0 {
                set(&document, (p + [.key("channelGainDb")])[...], .double(-100))
                set(&document, (p + [.key("channelGain")])[...], .double(1e-10)); return "both gains at \(name(p))"
            }
            let value = get(document, p[...])!
            if let db = value["channelGainDb"] {
                set(&document, (p + [.key("channelGainDb")])[...], nil); set(&document, (p + [.key("channelGain")])[...], db)
            } else if let g = value["channelGain"] {
                set(&document, (p + [.key("channelGain")])[...], nil); set(&document, (p + [.key("channelGainDb")])[...], g)
            }
            return "swap gain form at \(name(p))"
        case 7:
            guard let p = pick({ _, v in if case .array = v { true } else { false } }) else { return "none" }
            if rng.nextInt(below: 2) == 0 { set(&document, p[...], .array([])); return "empty \(name(p))" }
            guard case .array(var items) = get(document, p[...])!, let first = items.first else { return "none" }
            items.append(first); set(&document, p[...], .array(items)); return "repeat \(name(p))[0]"
        case 8:
            let options: [JSONValue] = [.string("https://example.invalid/x.schema.json"), .double(3), .null]
            let v = options[rng.nextInt(below: options.count)]
            if rng.nextInt(below: 3) == 0, let p = pick({ p, v in !p.isEmpty && isObject(v) }) {
                set(&document, (p + [.key("$schema")])[...], .string("x")); return "nested $schema at \(name(p))"
            }
            set(&document, [Step.key("$schema")][...], v); return "$schema = \(v.text)"
        default:
            guard let p = pick({ _, v in if case .string = v { true } else { false } }) else { return "none" }
            set(&document, p[...], .string("bogus")); return "\(name(p)) = \"bogus\""
        }
    }
}
