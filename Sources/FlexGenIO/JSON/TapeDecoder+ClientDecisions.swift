import Foundation
import FlexGenModel

extension TapeDecoder {
    /// A solution's `clients` array read straight off the tape, without a decoder per client or a
    /// key lookup per field: the largest part of a solution file (twelve fields × 10^5 clients).
    ///
    /// Only the plain case is taken: an array of objects whose keys are unescaped ASCII, each with
    /// all twelve `ClientDecision` fields of the right JSON kind (a repeated key: the first wins,
    /// as in Foundation and `TapeKeyedContainer`; other keys are read past, as
    /// `ClientDecision.init(from:)` does), numbers that the tape reads exactly (`double(at:)`,
    /// and `integer(at:as:)` for `steps`). Anything else returns nil and the array goes through
    /// `ClientDecision.init(from:)` as before, so every error and every fallback to Foundation is
    /// unchanged. The result equals `[ClientDecision](from:)` on this decoder (FastJSONReaderTests).
    func decodeClientDecisions(at index: Int) -> [ClientDecision]? {
        let tape = context.tape
        guard Solution.clientDecisionKeys.count == Self.clientDecisionFields.count,
              Self.clientDecisionFields.allSatisfy({ Solution.clientDecisionKeys.contains($0) }) else { return nil }
        return decodeObjects(at: index, names: Self.clientDecisionFieldBytes, strict: false) { slots in
            func number(_ f: Int) -> Double? {
                let at = slots[f]
                guard at >= 0, tape.entries[at].kind == .number else { return nil }
                return tape.double(at: at)
            }
            guard slots[4] >= 0, tape.entries[slots[4]].kind == .string,
                  slots[7] >= 0, tape.entries[slots[7]].kind == .number,
                  let steps = tape.integer(at: slots[7], as: Int.self),
                  let bandwidthHz = number(0), let computeEnergyJ = number(1), let computeRate = number(2),
                  let flops = number(3), let latencyS = number(5), let quality = number(6), let txEnergyJ = number(8),
                  let txPowerW = number(9), let txTimeS = number(10), let width = number(11) else { return nil }
            return ClientDecision(id: tape.string(at: slots[4]), width: width, steps: steps, flops: flops,
                                  quality: quality, computeRateFlopsPerS: computeRate, bandwidthHz: bandwidthHz,
                                  txPowerW: txPowerW, txTimeS: txTimeS, latencyS: latencyS,
                                  computeEnergyJ: computeEnergyJ, txEnergyJ: txEnergyJ)
        }
    }

    /// `ClientDecision`'s keys in the order `decodeClientDecisions` indexes them.
    static let clientDecisionFields = [
        "bandwidthHz", "computeEnergyJ", "computeRateFlopsPerS", "flops", "id", "latencyS", "quality", "steps",
        "txEnergyJ", "txPowerW", "txTimeS", "width",
    ]
    static let clientDecisionFieldBytes = clientDecisionFields.map { Array($0.utf8) }
}
