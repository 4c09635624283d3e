import Foundation
import FlexGenModel

extension TapeDecoder {
    /// A problem's `clients` array read straight off the tape, without a decoder per client or a
    /// key lookup per field (eight fields × 10^5 clients: most of reading a problem).
    ///
    /// Only the plain case is taken: an array of objects whose keys are unescaped ASCII, all of
    /// them `Client`'s, none repeated; `id` a string, every other field present a number that the
    /// tape reads exactly (`double(at:)`); `deadlineS` and `imageBits` present, and exactly one of
    /// `channelGainDb` and `channelGain`. Anything else (an unknown or repeated key, a null, a
    /// missing field, a number only Foundation reads) returns nil and the array goes through
    /// `Client.init(from:)` as before, so every error, and every fallback to Foundation, is
    /// unchanged. The result equals `[Client](from:)` on this decoder (FastJSONReaderTests).
    func decodeClients(at index: Int) -> [Client]? {
        let tape = context.tape
        guard Client.codingKeyNames.count == Self.clientFields.count,
              Self.clientFields.allSatisfy({ Client.codingKeyNames.contains($0) }) else { return nil }
        // An unknown or repeated key: the generic path decides (and refuses the unknown one).
        return decodeObjects(at: index, names: Self.clientFieldBytes, strict: true) { slots in
            /// nil: absent; .some(nil): present but not a plain number (the generic path decides).
            func number(_ f: Int) -> Double?? {
                let at = slots[f]
                guard at >= 0 else { return .none }
                guard tape.entries[at].kind == .number, let value = tape.double(at: at) else { return .some(nil) }
                return .some(value)
            }
            guard slots[0] >= 0, tape.entries[slots[0]].kind == .string,
                  case let deadlineS?? = number(1), case let imageBits?? = number(5) else { return nil }
            let uplink = number(2), db = number(3), linear = number(4), requirement = number(6), priority = number(7)
            let channelGain: ChannelGain
            switch (db, linear) {
            case (let value??, nil): channelGain = .decibels(value)
            case (nil, let value??): channelGain = .linear(value)
            default: return nil
            }
            if case .some(nil) = uplink { return nil }
            if case .some(nil) = requirement { return nil }
            if case .some(nil) = priority { return nil }
            return Client(id: tape.string(at: slots[0]), deadlineS: deadlineS, uplinkDelayS: (uplink ?? 0) ?? 0,
                          channelGain: channelGain, imageBits: imageBits,
                          qualityRequirement: requirement ?? nil, priority: priority ?? nil)
        }
    }

    /// `Client`'s keys in the order `decodeClients` indexes them.
    static let clientFields = [
        "id", "deadlineS", "uplinkDelayS", "channelGainDb", "channelGain", "imageBits", "qualityRequirement", "priority",
    ]
    static let clientFieldBytes = clientFields.map { Array($0.utf8) }
}
