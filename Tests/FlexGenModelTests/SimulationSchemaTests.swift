import Foundation
import Testing
import FlexGenIO
import FlexGenModel
import JSONSchemaSubset

/// What FlexGen writes as `flexgen-simulation/1` (contract fields and its extensions) validates
/// against docs/schemas/simulation.schema.json, and the shipped traces against trace.schema.json.
@Suite struct SimulationSchemaTests {
    @Test func writtenReportsAndShippedTracesValidate() throws {
        let registry = SchemaConformanceTests.registry
        let schedule = RequestRecord.Schedule(width: 1, steps: 20, flops: 1e13, quality: 15, computeStartS: 1,
                                              computeEndS: 1.5, computeRateFlopsPerS: 2e13, txStartS: 1.5, txEndS: 1.7,
                                              bandwidthHz: 1e6, txPowerW: 0.1, computeEnergyJ: 10, txEnergyJ: 0.02)
        let report = SimulationReport(trace: "t", policy: "flexgen", onReject: "wait", frameS: 1, totals: SimulationTotals(
            requests: 2, served: 1, rejected: 1, missed: 0, energyJ: 10.02, energyPerServedJ: 10.02,
            plannerTimeMeanS: 0.001, plannerTimeMaxS: 0.002, frames: 2),
            requests: [RequestRecord(id: "a", outcome: .served, plannedAtS: 1, schedule: schedule),
                       RequestRecord(id: "b", outcome: .rejected, reason: "capacity")])
        let value = try JSONValue(parsing: FlexGenJSON.encode(report))
        #expect(try registry.violations(of: value, against: "simulation.schema.json") == [])
        // A schedule cut short does not.
        guard case .object(var top) = value, case .array(var records)? = top["requests"],
              case .object(var first) = records[0] else { Issue.record("unexpected shape"); return }
        first["txEndS"] = nil
        records[0] = .object(first)
        top["requests"] = .array(records)
        #expect(!(try registry.isValid(.object(top), against: "simulation.schema.json")))
        for name in ["poisson-4rps", "daily-peak"] {
            let data = try Data(contentsOf: SchemaConformanceTests.problems.appendingPathComponent("traces/\(name).json"))
            #expect(try registry.violations(of: try JSONValue(parsing: data), against: "trace.schema.json") == [], "\(name)")
        }
    }

    /// MODEL.md's `totals` has `plannerTimeMeanS` and `plannerTimeMaxS`, FlexGen writes them and its
    /// reader (`flexgen check TRACE REPORT`) requires them: the schema must not call a report
    /// without them valid. Each one left out is refused by both, naming the field; `energyPerServedJ`
    /// (absent when nothing was served) is accepted without by both.
    @Test func schemaAndReaderAgreeOnTheTotals() throws {
        let registry = SchemaConformanceTests.registry
        let report = SimulationReport(trace: "t", policy: "flexgen", totals: SimulationTotals(
            requests: 1, served: 0, rejected: 1, missed: 0, energyJ: 0, energyPerServedJ: nil,
            plannerTimeMeanS: 0.001, plannerTimeMaxS: 0.002),
            requests: [RequestRecord(id: "a", outcome: .rejected, reason: "capacity")])
        let whole = try JSONValue(parsing: FlexGenJSON.encode(report))
        #expect(try registry.violations(of: whole, against: "simulation.schema.json") == [])
        #expect(try SimulationReportFile.decode(FlexGenJSON.encode(report)) == report)
        for field in ["plannerTimeMeanS", "plannerTimeMaxS"] {
            guard case .object(var top) = whole, case .object(var totals)? = top["totals"] else {
                Issue.record("unexpected shape"); return
            }
            totals[field] = nil
            top["totals"] = .object(totals)
            #expect(!(try registry.isValid(.object(top), against: "simulation.schema.json")), "\(field)")
            let data = Data(try JSONSerialization.data(withJSONObject: [
                "format": "flexgen-simulation/1", "trace": "t", "policy": "flexgen",
                "totals": ["requests": 0, "served": 0, "rejected": 0, "missed": 0, "energyJ": 0,
                           "plannerTimeMeanS": 0, "plannerTimeMaxS": 0].filter { $0.key != field },
                "requests": [] as [Any]]))
            do {
                _ = try SimulationReportFile.decode(data)
                Issue.record("a report without totals.\(field) was read")
            } catch let error as InputError {
                #expect(error.description.contains("totals.\(field)"), "\(error)")
            }
        }
    }
}
