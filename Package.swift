// swift-tools-version:6.1
import PackageDescription

// One target per concern; docs/architecture.md has the module picture and the data flow.
// The two C libraries are reached through exactly one Swift wrapper each:
// CGLPK only through FlexGenGLPK, CLAPACK only through FlexGenLinearAlgebra.
let package = Package(
    name: "FlexGen",
    platforms: [.macOS(.v14)],
    products: [
        // The optimiser: model, IO, scenarios, solver. The sampler is a product of its own, so that
        // embedding the solver links neither LAPACKE/OpenBLAS nor the model's weights.
        .library(name: "FlexGen", targets: ["FlexGen"]),
        .library(name: "FlexGenSampler", targets: ["FlexGenSampler"]),
        // For benchmarks/micro (a separate package): Lambert W is not re-exported by the umbrella.
        .library(name: "FlexGenNumerics", targets: ["FlexGenNumerics"]),
        .executable(name: "flexgen", targets: ["flexgen"]),
        .library(name: "FlexGenService", targets: ["FlexGenService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The HTTP service (FlexGenService, `flexgen serve`) and its tests.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // `swift package generate-documentation --target FlexGen` (the DocC catalog in
        // Sources/FlexGen/FlexGen.docc); a command plugin, nothing of it is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The service's connection guard (timeouts, connection cap) is a NIO channel handler.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // C libraries: module map + one-line shim each, nothing else.
        .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
        .systemLibrary(name: "CLAPACK", providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]),

        // The contract: problem, profile, solution, evaluation. Pure Swift, Codable only.
        .target(name: "FlexGenModel"),
        // Files: loading problems with relative profile paths, atomic writes.
        .target(name: "FlexGenIO", dependencies: ["FlexGenModel"]),
        // Instance generation and profile synthesis (seeded, deterministic). Pure Swift.
        .target(name: "FlexGenScenarios", dependencies: ["FlexGenModel", "FlexGenNumerics"]),
        // Pure-Swift numerics: Lambert W, safeguarded 1-D searches.
        .target(name: "FlexGenNumerics"),
        // The only Swift module that imports GLPK.
        .target(name: "FlexGenGLPK", dependencies: ["CGLPK"]),
        // The only Swift module that imports LAPACKE / CBLAS.
        .target(name: "FlexGenLinearAlgebra", dependencies: ["CLAPACK"]),
        // A cooperative stop flag and a thread pool for blocking work off Swift's cooperative pool.
        .target(name: "FlexGenConcurrency"),
        .target(name: "FlexGenSolver", dependencies: ["FlexGenModel", "FlexGenNumerics", "FlexGenGLPK", "FlexGenConcurrency"]),
        .target(name: "FlexGenSampler", dependencies: ["FlexGenModel", "FlexGenIO", "FlexGenNumerics", "FlexGenLinearAlgebra", "FlexGenScenarios", "FlexGenGLPK"],
                resources: [.copy("Resources")]),
        // `flexgen bench`: sweeps, statistics, CSV and SVG figures (not part of the umbrella).
        .target(name: "FlexGenBench", dependencies: ["FlexGenModel", "FlexGenIO", "FlexGenNumerics", "FlexGenScenarios", "FlexGenSolver"]),
        // Umbrella: re-exports only.
        .target(name: "FlexGen", dependencies: ["FlexGenModel", "FlexGenIO", "FlexGenScenarios", "FlexGenSolver",
                                                "FlexGenConcurrency"]),
        // The HTTP JSON service over the library (`flexgen serve`).
        .target(name: "FlexGenService", dependencies: [
            "FlexGen", "FlexGenSampler",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ],
        // A copy of docs/schemas, from which the OpenAPI document is built (FlexGenServiceTests
        // fails when the copy differs: `cp docs/schemas/*.schema.json Sources/FlexGenService/Schemas/`).
        resources: [.copy("Schemas")]),
        // Embedding the solver in a few lines; built (and run) by FlexGenServiceTests.
        .executableTarget(name: "flexgen-embed-example", dependencies: ["FlexGen"], path: "Examples/EmbedSolver"),
        .executableTarget(name: "flexgen", dependencies: [
            "FlexGen", "FlexGenSampler",
            "FlexGenBench",
            "FlexGenService",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Allocation speed benchmark: `swift run -c release flexgen-bench-allocation`.
        .executableTarget(name: "flexgen-bench-allocation", dependencies: ["FlexGenSolver", "FlexGenScenarios", "FlexGenModel"],
                          path: "benchmarks/allocation"),
        .executableTarget(name: "flexgen-bench-assignment", dependencies: ["FlexGenSolver", "FlexGenScenarios", "FlexGenModel"],
                          path: "benchmarks/assignment"),

        // Test support: a strict validator for the JSON Schema subset docs/schemas uses.
        .target(name: "JSONSchemaSubset", dependencies: ["FlexGenIO"], path: "Tests/JSONSchemaSubset"),
        .testTarget(name: "FlexGenBenchTests", dependencies: ["FlexGenBench", "FlexGenModel"]),
        .testTarget(name: "FlexGenModelTests", dependencies: ["FlexGenModel", "FlexGenIO", "FlexGenScenarios", "FlexGenNumerics",
                                                       "JSONSchemaSubset"]),
        .testTarget(name: "FlexGenNumericsTests", dependencies: ["FlexGenNumerics"]),
        .testTarget(name: "FlexGenGLPKTests", dependencies: ["FlexGenGLPK", "FlexGenNumerics"]),
        .testTarget(name: "FlexGenLinearAlgebraTests", dependencies: ["FlexGenLinearAlgebra"]),
        .testTarget(name: "FlexGenSolverTests", dependencies: ["FlexGenSolver", "FlexGenModel", "FlexGenScenarios"]),
        // Fixtures/: safetensors files exported by training/export.py, read through #filePath.
        .testTarget(name: "FlexGenSamplerTests", dependencies: ["FlexGenSampler", "FlexGenNumerics", "FlexGenScenarios",
                                                         "JSONSchemaSubset"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "FlexGenCLITests", dependencies: ["FlexGen"]),
        .testTarget(name: "FlexGenServiceTests", dependencies: [
            "FlexGen", "FlexGenSampler", "FlexGenService", "FlexGenNumerics", "JSONSchemaSubset",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
