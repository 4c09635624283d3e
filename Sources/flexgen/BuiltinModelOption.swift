import ArgumentParser

/// `--model` of `flexgen sample` and `flexgen calibrate`: which built-in model runs.
/// digits: the 8×8 MLP (fast; what the tests use); fashion: the slimmable conv U-Net on 28×28
/// Fashion-MNIST (training/, docs/fashion.md).
enum BuiltinModelOption: String, ExpressibleByArgument, CaseIterable {
    case digits
    case fashion
}
