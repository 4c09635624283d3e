import Foundation

/// JSON documents for CLI tests, as mutable dictionaries (mutate, then `jsonText`).
/// The numbers are those of the hand-computed 2-client fixture of FlexGenModelTests
/// (HandFixture.swift explains each figure).
enum CLIFixture {
    static var profile: [String: Any] {
        ["format": "flexgen-profile/1", "name": "hand", "metric": ["name": "FID", "better": "lower"],
         "configs": [
            ["width": 1.0, "steps": 10, "flops": 1e13, "quality": 15.0],
            ["width": 0.5, "steps": 20, "flops": 4e12, "quality": 20.0],
            ["width": 0.25, "steps": 10, "flops": 2e12, "quality": 30.0],
         ]]
    }

    static var problem: [String: Any] {
        ["format": "flexgen-problem/1", "name": "hand-2",
         "server": ["bandwidthHz": 4e6, "noisePsdWPerHz": 1e-20, "maxTxPowerW": 1.0,
                    "computeRateFlopsPerS": 2e13, "energyPerFlopJ": 1e-12, "dvfsCoefficient": 1e-39],
         "profile": profile,
         "clients": [
            ["id": "a", "deadlineS": 2.0, "uplinkDelayS": 0.05, "channelGain": 1e-10, "imageBits": 1.5e5,
             "qualityRequirement": 16.0],
            ["id": "b", "deadlineS": 3.0, "uplinkDelayS": 0.1, "channelGainDb": -90.0, "imageBits": 1e6,
             "qualityRequirement": 30.0],
         ],
         "serviceTargets": [["meanQualityTarget": 18.0]]]
    }

    static var decisionA: [String: Any] {
        ["id": "a", "width": 1.0, "steps": 10, "flops": 1e13, "quality": 15.0, "computeRateFlopsPerS": 1e13,
         "bandwidthHz": 1e6, "txPowerW": 3e-4, "txTimeS": 0.1, "latencyS": 1.15, "computeEnergyJ": 11.0,
         "txEnergyJ": 3e-5]
    }
    static var decisionB: [String: Any] {
        ["id": "b", "width": 0.5, "steps": 20, "flops": 4e12, "quality": 20.0, "computeRateFlopsPerS": 2e12,
         "bandwidthHz": 2e6, "txPowerW": 1.4e-4, "txTimeS": 0.2, "latencyS": 2.3, "computeEnergyJ": 4.016,
         "txEnergyJ": 2.8e-5]
    }

    static func solution(_ clients: [[String: Any]], total: Double = 15.016058) -> [String: Any] {
        ["format": "flexgen-solution/1", "problem": "hand-2", "solver": "hand", "status": "feasible",
         "totalEnergyJ": total, "solveTimeS": 0.0, "clients": clients]
    }

    static func jsonText(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// Sets a value at a path of nested dictionaries/arrays (`["clients", 0, "deadlineS"]`); nil removes it.
func setting(_ document: Any, _ path: [Any], to value: Any?) -> Any {
    guard let head = path.first else { return value as Any }
    let rest = Array(path.dropFirst())
    if let key = head as? String, var object = document as? [String: Any] {
        if rest.isEmpty {
            object[key] = value
        } else {
            object[key] = setting(object[key] as Any, rest, to: value)
        }
        return object
    }
    if let index = head as? Int, var array = document as? [Any] {
        array[index] = setting(array[index], rest, to: value)
        return array
    }
    return document
}
