// The umbrella of the optimiser: the one import an embedding service needs. Re-exports only.
// The sampler (FlexGenSampler) is a product of its own: import it where it is used.
@_exported import FlexGenModel
@_exported import FlexGenIO
@_exported import FlexGenScenarios
@_exported import FlexGenSolver
@_exported import FlexGenConcurrency
