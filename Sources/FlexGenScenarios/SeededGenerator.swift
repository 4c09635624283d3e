import FlexGenNumerics

/// The generator behind every instance: xoshiro256** seeded through SplitMix64 (FlexGenNumerics'
/// `Xoshiro256`, the same one the sampler uses). The same seed gives the same stream on every
/// platform, which is what makes `flexgen generate` byte-reproducible.
public typealias SeededGenerator = Xoshiro256
