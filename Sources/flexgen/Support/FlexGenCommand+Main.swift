import ArgumentParser
import Foundation
import FlexGen

/// The exit-code contract of every subcommand: 0 success, 1 a verdict of "no" (a subcommand
/// throws `ExitCode(1)` after printing why), 2 bad input or usage. Argument-parser's own usage
/// errors (exit 64 by default) are mapped to 2; FlexGen input errors are printed to stderr,
/// one line per issue with its JSON path, and exit 2.
extension FlexGenCommand {
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Foundation.exit(report(error))
        }
    }

    /// Prints `error` where it belongs and returns the process exit code.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as FileInputError:
            printError(error.description)
            return CLIExit.badInput
        case let error as InputError:
            printError(error.description)
            return CLIExit.badInput
        case let error as AtomicFile.Error:
            printError(error.description)
            return CLIExit.badInput
        case let error as CLIError:
            printError(error.description)
            return CLIExit.badInput
        default:
            let code = exitCode(for: error)
            if code == .success {  // --help, --version
                print(fullMessage(for: error))
                return 0
            }
            if let exit = error as? ExitCode { return exit.rawValue }
            let message = fullMessage(for: error)
            if !message.isEmpty { printError(message) }
            // Usage errors (argument-parser's 64) and anything unexpected: exit 2.
            return CLIExit.badInput
        }
    }
}

/// The process exit codes (see README "Exit codes").
enum CLIExit {
    static let success: Int32 = 0
    static let verdictNo: Int32 = 1
    static let badInput: Int32 = 2
}

/// A bad-input error raised by the CLI itself (an unreadable argument, an output folder that
/// does not exist…): exit 2, message to stderr.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    var text = message
    if !text.hasSuffix("\n") { text += "\n" }
    FileHandle.standardError.write(Data(text.utf8))
}

/// Loads a problem file, tagging every issue with the file name.
func loadProblem(_ path: String) throws -> Problem {
    do { return try ProblemFile.load(path: path) } catch let error as InputError { throw error.inFile(path) }
}

/// `loadProblem`, keeping the proof of validation so that the solver does not validate it again.
func loadValidatedProblem(_ path: String) throws -> ValidatedProblem {
    do { return try ProblemFile.loadValidated(path: path) } catch let error as InputError { throw error.inFile(path) }
}

/// Loads a solution file, tagging every issue with the file name.
func loadSolution(_ path: String) throws -> Solution {
    do { return try SolutionFile.load(path: path) } catch let error as InputError { throw error.inFile(path) }
}

/// Loads a solution file and lists the keys FlexGen does not read in it (one parse), tagging
/// every issue with the file name.
func loadSolutionListingUnknownKeys(_ path: String) throws -> (solution: Solution, unknownKeys: [String]) {
    do { return try SolutionFile.loadListingUnknownKeys(path: path) } catch let error as InputError { throw error.inFile(path) }
}

/// Loads a profile file, tagging every issue with the file name.
func loadProfile(_ path: String) throws -> Profile {
    do { return try ProfileFile.load(path: path) } catch let error as InputError { throw error.inFile(path) }
}
