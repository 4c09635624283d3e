// swift-tools-version:6.1
// Micro-benchmarks of FlexGen's numerical kernels with ordo-one/benchmark.
//
// A SEPARATE package on purpose: the benchmark harness and its dependencies (jemalloc-free malloc
// interposer, histograms, TextTable) never enter the main build or CI. It depends on the toolkit by
// path. Run from this folder:  swift package --disable-sandbox benchmark
import PackageDescription
import struct Foundation.URL

// A path dependency's identity is its folder's name, which differs between clones
// (/work/main, a CI checkout…): derive it instead of hard-coding it.
let rootIdentity = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "FlexGenMicroBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SolverBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlexGen", package: rootIdentity),
                .product(name: "FlexGenNumerics", package: rootIdentity),
            ],
            path: "Benchmarks/SolverBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
