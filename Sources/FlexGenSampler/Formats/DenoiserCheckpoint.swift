import Foundation

/// The denoiser checkpoint: a safetensors file with one F32 tensor per weight matrix/vector (names
/// and shapes from `ParameterLayout`: `time.weight` [H, E], `time.bias` [H], `label.embedding`
/// [11, H], `input.weight` [H, 64], `input.bias` [H], `block{l}.weight` [H, H], `block{l}.bias`
/// [H], `output.weight` [64, H], `output.bias` [64]) and `__metadata__` entries:
///
///     format "flexgen-denoiser/1", hiddenWidth, residualBlocks, timeFeatures,
///     schedule "linear", betaStart, betaEnd, timesteps,
///     plus free-form training facts (seed, stepsTrained, batchSize, finalLoss, command…).
public struct DenoiserCheckpoint: Sendable, Equatable {
    public static let format = "flexgen-denoiser/1"

    public var denoiser: SlimmableDenoiser
    public var schedule: NoiseSchedule
    /// Training facts recorded alongside the shape (strings, as safetensors metadata is).
    public var training: [String: String]

    public init(denoiser: SlimmableDenoiser, schedule: NoiseSchedule, training: [String: String] = [:]) {
        self.denoiser = denoiser
        self.schedule = schedule
        self.training = training
    }

    public func safeTensors() -> SafeTensors {
        let layout = denoiser.layout
        var tensors: [String: SafeTensors.Tensor] = [:]
        for entry in layout.tensors {
            let count = entry.shape.reduce(1, *)
            tensors[entry.name] = .init(floats: Array(denoiser.parameters[entry.offset..<(entry.offset + count)]), shape: entry.shape)
        }
        var metadata = training
        let a = denoiser.architecture
        metadata["format"] = Self.format
        metadata["hiddenWidth"] = String(a.hiddenWidth)
        metadata["residualBlocks"] = String(a.residualBlocks)
        metadata["timeFeatures"] = String(a.timeFeatures)
        metadata["schedule"] = "linear"
        metadata["betaStart"] = String(schedule.betaStart)
        metadata["betaEnd"] = String(schedule.betaEnd)
        metadata["timesteps"] = String(schedule.timesteps)
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    /// Writes atomically (temporary file + rename).
    public func write(to path: String) throws {
        try safeTensors().write(to: path)
    }

    public static func read(path: String) throws -> DenoiserCheckpoint {
        let file = try SafeTensors.read(path: path)
        do { return try DenoiserCheckpoint(file) } catch let error as SafeTensorsError { throw SafeTensorsError.inFile(path: path, error) }
    }

    /// Validates the metadata (format, positive sizes, schedule) and every tensor's shape and
    /// finiteness; throws `SafeTensorsError` naming the offending key or tensor.
    public init(_ file: SafeTensors) throws {
        let metadata = file.metadata
        guard metadata["format"] == Self.format else {
            throw SafeTensorsError.invalidMetadata(key: "format", reason: "expected \(Self.format), got \(metadata["format"] ?? "nothing")")
        }
        func integer(_ key: String, minimum: Int) throws -> Int {
            guard let text = metadata[key], let value = Int(text), value >= minimum else {
                throw SafeTensorsError.invalidMetadata(key: key, reason: "must be an integer ≥ \(minimum), got \(metadata[key] ?? "nothing")")
            }
            return value
        }
        func real(_ key: String) throws -> Double {
            guard let text = metadata[key], let value = Double(text), value.isFinite, value > 0, value < 1 else {
                throw SafeTensorsError.invalidMetadata(key: key, reason: "must be a number in (0, 1), got \(metadata[key] ?? "nothing")")
            }
            return value
        }
        let hidden = try integer("hiddenWidth", minimum: 1)
        let blocks = try integer("residualBlocks", minimum: 0)
        let features = try integer("timeFeatures", minimum: 2)
        guard features % 2 == 0 else { throw SafeTensorsError.invalidMetadata(key: "timeFeatures", reason: "must be even, got \(features)") }
        guard hidden <= 1 << 16, blocks <= 1024, features <= 1 << 16 else {
            throw SafeTensorsError.invalidMetadata(key: "hiddenWidth", reason: "network shape is implausibly large")
        }
        guard metadata["schedule"] == "linear" else {
            throw SafeTensorsError.invalidMetadata(key: "schedule", reason: "only \"linear\" is supported, got \(metadata["schedule"] ?? "nothing")")
        }
        let steps = try integer("timesteps", minimum: 1)
        let betaStart = try real("betaStart"), betaEnd = try real("betaEnd")
        guard betaStart <= betaEnd else { throw SafeTensorsError.invalidMetadata(key: "betaEnd", reason: "must be ≥ betaStart") }
        let architecture = DenoiserArchitecture(hiddenWidth: hidden, residualBlocks: blocks, timeFeatures: features)
        let layout = ParameterLayout(architecture)
        var parameters = [Float](repeating: 0, count: layout.count)
        for entry in layout.tensors {
            let values = try file.floats(entry.name, shape: entry.shape)
            guard values.allSatisfy(\.isFinite) else {
                throw SafeTensorsError.invalidTensor(name: entry.name, reason: "contains NaN or infinity")
            }
            parameters.replaceSubrange(entry.offset..<(entry.offset + values.count), with: values)
        }
        denoiser = SlimmableDenoiser(architecture: architecture, parameters: parameters)
        schedule = NoiseSchedule(timesteps: steps, betaStart: betaStart, betaEnd: betaEnd)
        training = metadata.filter { !["format", "hiddenWidth", "residualBlocks", "timeFeatures", "schedule", "betaStart", "betaEnd", "timesteps"].contains($0.key) }
    }
}
