// The umbrella: the one import an embedding service needs. Re-exports only.
@_exported import FlexGenModel
@_exported import FlexGenIO
@_exported import FlexGenScenarios
@_exported import FlexGenSolver
@_exported import FlexGenSampler
