import Foundation
import Testing

/// The help texts users read are pinned: a change to a subcommand's options, abstract or
/// discussion must update these expectations in the same commit (and README, if it shows them).
/// Help is rendered at a fixed width (COLUMNS=80), as swift-argument-parser wraps to the terminal.
@Suite struct HelpTextTests {
    /// `flexgen ARGS` with COLUMNS=80; returns standard output and the exit status.
    static func help(_ args: [String]) throws -> (status: Int32, stdout: String) {
        guard FileManager.default.isExecutableFile(atPath: flexgenBinary) else { throw FlexgenNotFound() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("flexgen-help-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: flexgenBinary)
        process.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "80"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self))
    }

    /// The option names listed under OPTIONS: (e.g. `--tolerance`, `-o, --output`).
    static func optionNames(_ help: String) -> [String] {
        guard let start = help.range(of: "\nOPTIONS:\n") else { return [] }
        return help[start.upperBound...].split(separator: "\n").compactMap { line in
            // An option line starts with two spaces and a dash; its names end at the first
            // value placeholder or the two-space gap before the description.
            guard line.hasPrefix("  -") else { return nil }
            let names = line.dropFirst(2).components(separatedBy: "  ")[0]
            return names.components(separatedBy: " <")[0]
        }
    }

    @Test func rootHelpIsPinned() throws {
        let (status, text) = try Self.help(["--help"])
        #expect(status == 0)
        let expected = #"""
        OVERVIEW: Energy-optimal configuration and resource allocation for flexible
        diffusion models at the edge.

        USAGE: flexgen <subcommand>

        OPTIONS:
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          bench                   Benchmark FlexGen against the baselines and measure
                                  the solvers; write CSVs, SVG figures and a report.
          check                   Re-evaluate a solution against its problem; exit 1
                                  naming every violated constraint.
          solve                   Choose every client's configuration and allocate
                                  compute, band, power and time at least energy.
          generate                Generate a reproducible problem instance (same
                                  arguments and --seed: byte-identical output).
          trace                   Generate a reproducible arrival trace (same arguments
                                  and --seed: byte-identical output).
          simulate                Simulate a flexgen-trace/1 frame by frame with a
                                  policy; write and check the flexgen-simulation/1
                                  report.
          profile                 Build and inspect model profiles (flexgen-profile/1).
          train-classifier        Train the digits classifier used for the FD-digits
                                  quality metric (reproduces the shipped weights).
          train                   Train the slimmable diffusion denoiser on the digits
                                  training split (reproduces the shipped weights).
          sample                  Generate images with a built-in flexible diffusion
                                  model at a given width and step count.
          calibrate               Measure a built-in model's quality and speed over a
                                  (width, steps) grid; write a flexgen-profile/1 and a
                                  report.
          sampler-worker          Serve the built-in model over the flexgen-sampler/1
                                  newline-delimited JSON protocol on stdin/stdout.
          validate                Run the built-in model on a solution's
                                  configurations; check realised quality (with CIs) and
                                  compute time. Exit 1 on a violation.
          serve                   Serve the solver over HTTP: POST /v1/solve, POST
                                  /v1/check, POST /v1/validate, GET /v1/health,
                                  /metrics, /v1/openapi.json.

          See 'flexgen help <subcommand>' for detailed help.
        """#
        #expect(text == expected + "\n")
    }

    @Test func checkHelpIsPinned() throws {
        let (status, text) = try Self.help(["check", "--help"])
        #expect(status == 0)
        let expected = #"""
        OVERVIEW: Re-evaluate a solution against its problem; exit 1 naming every
        violated constraint.

        Recomputes every client's latency, delivered bits and energies from the
        decisions and checks every constraint with a relative tolerance (upper bounds:
        lhs <= rhs*(1+tol), lower bounds: lhs >= rhs*(1-tol)). Exit codes: 0 all
        constraints hold (or the solution carries no allocation, e.g. status
        infeasible), 1 a violation, 2 bad input. Without SOLUTION: validate the problem
        and print a summary (exit 0 or 2). Given a flexgen-trace/1 and a
        flexgen-simulation/1 report instead, runs the invariant checker of `flexgen
        simulate` (docs/online.md): every served request's latency, bits, quality and
        energies re-derived from its schedule, and an event sweep showing that the held
        compute rates never exceed F nor the held bands B; exit 1 on any violation.

        USAGE: flexgen check <problem> [<solution>] [--tolerance <tolerance>] [--output <file>] [--json]

        ARGUMENTS:
          <problem>               The flexgen-problem/1 file (or a flexgen-trace/1).
          <solution>              The flexgen-solution/1 file (or, after a trace, its
                                  flexgen-simulation/1 report). Without it, the problem
                                  alone is validated and summarised.

        OPTIONS:
          --tolerance <tolerance> Relative tolerance of every constraint and reported
                                  value. (default: 1e-06)
          -o, --output <file>     Write the result to this file (atomically: temp file
                                  + rename) instead of standard output.
          --json                  Print machine-readable JSON instead of a table.
          --version               Show the version.
          -h, --help              Show help information.
        """#
        // A subcommand's help ends with a blank line.
        #expect(text == expected + "\n\n")
        #expect(Self.optionNames(text) == ["--tolerance", "-o, --output", "--json", "--version", "-h, --help"])
    }

    /// `flexgen solve`'s options, one by one, with what each must say; the discussion is free to
    /// change wording, the options are not.
    @Test func solveHelpListsEveryOption() throws {
        let (status, text) = try Self.help(["solve", "--help"])
        #expect(status == 0)
        #expect(text.hasPrefix("OVERVIEW: Choose every client's configuration and allocate compute, band, power\nand time at least energy.\n"))
        #expect(text.contains("USAGE: flexgen solve <problem> [--gap-tolerance <gap-tolerance>] [--time-limit <time-limit>] [--solver <solver>] [--compare] [--admission <mode>] [--threads <threads>] [--output <file>] [--json]\n"))
        #expect(Self.optionNames(text) == ["--gap-tolerance", "--time-limit", "--solver", "--compare", "--admission", "--threads", "-o, --output", "--json", "--version", "-h, --help"])
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for (option, says) in [
            ("--gap-tolerance", "Relative duality gap at or below which the solution is reported optimal (default: 1e-9 without service targets, 1e-3 with them)."),
            ("--time-limit", "Wall-clock limit in seconds (default: none)."),
            ("--solver", "(values: flexgen, exhaustive, full-model, steps-only, width-only, equal-share, greedy; default: flexgen)"),
            ("--compare", "Run every solver variant on the instance and print energy, status and time side by side"),
            ("--admission", "Admission control: none (every client must be served; an overloaded problem is infeasible) or max-served. (values: none, max-served; default: none)"),
            ("--admission", "max-served serves the clients of greatest total priority that fit, at least energy, and writes an admission block"),
            ("--threads", "Threads evaluating the clients of each price sweep (default: one per core). The solution does not depend on it, bit for bit."),
            ("--output", "Write the result to this file (atomically: temp file + rename) instead of standard output."),
            ("--json", "Print machine-readable JSON instead of a table."),
        ] {
            #expect(flat.contains(says), "solve --help, \(option): \(says)")
        }
        // Every solver variant is explained after the option list.
        for variant in ["flexgen:", "exhaustive:", "full-model:", "steps-only:", "width-only:", "equal-share:", "greedy:"] {
            #expect(flat.contains(variant), "\(variant)")
        }
    }
}
