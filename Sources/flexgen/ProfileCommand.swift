import ArgumentParser

/// `flexgen profile …`: model profiles (configuration menus).
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Build and inspect model profiles (flexgen-profile/1).",
        subcommands: [Synth.self])
}
