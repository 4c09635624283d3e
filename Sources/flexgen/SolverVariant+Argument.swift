import ArgumentParser
import FlexGen

/// `--solver NAME` takes a variant's contract name (`flexgen`, `full-model`, …).
extension SolverVariant: ExpressibleByArgument {}
