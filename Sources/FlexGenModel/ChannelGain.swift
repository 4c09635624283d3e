import Foundation  // pow, log10

/// A client's downlink channel power gain g, as the instance stated it:
/// linear (`channelGain`) or in decibels (`channelGainDb`, 10·log10 g).
/// Remembering the form keeps a problem's round trip byte-for-byte faithful.
public enum ChannelGain: Sendable, Hashable {
    case linear(Double)
    case decibels(Double)

    /// The linear power gain g.
    public var linear: Double {
        switch self {
        case .linear(let g): g
        case .decibels(let db): pow(10, db / 10)
        }
    }

    /// The gain in dB, 10·log10 g.
    public var decibels: Double {
        switch self {
        case .linear(let g): 10 * log10(g)
        case .decibels(let db): db
        }
    }
}
