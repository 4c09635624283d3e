/// Validation of a model profile's menu (docs/formats.md, flexgen-profile/1).
extension Profile {
    /// Every way this profile breaks the contract: an empty menu, a width not > 0,
    /// fewer than one step, non-positive or non-finite work, non-finite quality, or a repeated
    /// (width, steps) pair. Paths are prefixed with `pathPrefix` (`"profile"` inside a problem,
    /// `""` for a profile file).
    public func validationIssues(pathPrefix: String = "") -> [InputIssue] {
        func path(_ suffix: String) -> String {
            pathPrefix.isEmpty ? suffix : (suffix.hasPrefix("[") ? pathPrefix + suffix : "\(pathPrefix).\(suffix)")
        }
        var issues: [InputIssue] = []
        if configs.isEmpty {
            issues.append(.init(path: path("configs"), reason: "must list at least one configuration"))
        }
        var firstIndexOfKey: [Configuration.Key: Int] = [:]
        for (i, config) in configs.enumerated() {
            let at = path("configs[\(i)]")
            // MODEL.md names the width without a range: it identifies the configuration, and only
            // `flops` and `quality` enter the model. FlexGen's own menus use fractions in (0, 1], but a
            // profile that counts width otherwise (a channel multiplier, 1.25×) is not malformed.
            if !config.width.isFinite || !(config.width > 0) {
                issues.append(.init(path: "\(at).width", reason: "must be a finite number > 0, got \(config.width)"))
            }
            if config.steps < 1 {
                issues.append(.init(path: "\(at).steps", reason: "must be >= 1, got \(config.steps)"))
            }
            if !config.flops.isFinite || !(config.flops > 0) {
                issues.append(.init(path: "\(at).flops", reason: "must be a finite number > 0, got \(config.flops)"))
            }
            if !config.quality.isFinite {
                issues.append(.init(path: "\(at).quality", reason: "must be a finite number, got \(config.quality)"))
            }
            if let first = firstIndexOfKey[config.key] {
                issues.append(.init(path: at, reason: "duplicate configuration \(config.key) (same as configs[\(first)])",
                                    isRelational: true))
            } else {
                firstIndexOfKey[config.key] = i
            }
        }
        return issues
    }

    /// Throws an `InputError` listing every issue when the profile breaks the contract.
    public func validate(pathPrefix: String = "") throws {
        let issues = validationIssues(pathPrefix: pathPrefix)
        if !issues.isEmpty { throw InputError(issues) }
    }
}
