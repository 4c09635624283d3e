import Foundation

/// The `flexgen-sampler/1` wire protocol between FlexGen (`ExternalSampler`) and a sampler worker
/// process (`flexgen sampler-worker`, or a user's own GPU pipeline).
///
/// Transport: the worker's stdin (requests) and stdout (handshake and responses), one JSON object
/// per line (UTF-8, `\n`-terminated, no newline inside an object). stderr is free-form logging;
/// FlexGen keeps its tail for error messages. Unknown keys in a *response* are ignored (room for
/// extensions); unknown keys in a *request* are an error, so typos do not pass silently.
///
/// 1. Handshake — the worker's first line, written before it reads anything:
///
///        {"protocol":"flexgen-sampler/1","sampler":"builtin-digits"}
///
///    A client refuses any other `protocol` (`SamplerError.protocolMismatch`).
/// 2. Request — one line per batch; `id` is chosen by the client and echoed; `labels` (digits
///    0…9, one per image; default i mod 10) and `eta` (default 0) are optional:
///
///        {"id":1,"width":0.5,"steps":20,"count":100,"seed":7}
///
/// 3. Response — exactly one line per request, in order. Success:
///
///        {"id":1,"ok":true,"wallTimeS":0.0123,"flopsPerImage":1.2e6,"samples":[[…64 numbers in 0…16…], …]}
///
///    `wallTimeS` (the generation time, measured by the worker) is required; `flopsPerImage` is
///    optional; at least one of `samples` (`count` arrays of 64 numbers in 0…16) and `quality`
///    (a number the pipeline measured itself) must be present. Failure (the worker keeps serving):
///
///        {"id":1,"ok":false,"error":"width: must be in (0, 1], got 2"}
///
///    A line that is not a valid request gets `{"id":null,"ok":false,"error":"…"}`.
/// 4. End — the client closes the worker's stdin; the worker exits with status 0.
///
/// Timeouts are the client's: the handshake and each response must arrive within
/// `ExternalSampler.Settings`' limits, else the worker is killed and `SamplerError.timeout` thrown.
public enum SamplerProtocol {
    public static let version = "flexgen-sampler/1"

    /// The keys a request may carry.
    static let requestKeys: Set<String> = ["id", "width", "steps", "count", "seed", "labels", "eta"]

    static func handshakeLine(sampler: String) -> String {
        jsonLine(["protocol": version, "sampler": sampler])
    }

    static func errorLine(id: Int?, _ message: String) -> String {
        jsonLine(["id": id.map { $0 as Any } ?? NSNull(), "ok": false, "error": message])
    }

    static func jsonLine(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses one request line into (id, request) or a message for the error response.
    static func parseRequest(_ line: String) -> Result<(id: Int?, request: SampleRequest), WireError> {
        let data = Data(line.utf8)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return .failure(WireError(id: nil, message: "request is not a JSON object"))
        }
        let id = object["id"] as? Int
        if let unknown = object.keys.sorted().first(where: { !requestKeys.contains($0) }) {
            return .failure(WireError(id: id, message: "unknown request field \"\(unknown)\""))
        }
        do {
            let request = try JSONDecoder().decode(SampleRequest.self, from: data)
            if let problem = request.problem { return .failure(WireError(id: id, message: problem)) }
            return .success((id, request))
        } catch let DecodingError.keyNotFound(key, _) {
            return .failure(WireError(id: id, message: "\(key.stringValue): required field is missing"))
        } catch let DecodingError.typeMismatch(_, context) {
            return .failure(WireError(id: id, message: "\(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"))
        } catch {
            return .failure(WireError(id: id, message: "request cannot be read: \(error)"))
        }
    }

    struct WireError: Error { var id: Int?; var message: String }

    /// The success response line for `batch`.
    static func responseLine(id: Int?, batch: SampleBatch) throws -> String {
        var object: [String: Any] = ["id": id.map { $0 as Any } ?? NSNull(), "ok": true, "wallTimeS": batch.wallTimeS]
        if let flops = batch.flopsPerImage { object["flopsPerImage"] = flops }
        if let quality = batch.quality { object["quality"] = quality }
        if let samples = batch.samples {
            guard samples.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                throw SamplerError.workerError("the sampler produced non-finite pixels")
            }
            object["samples"] = samples.map { $0.map { Double($0) } }
        }
        return jsonLine(object)
    }
}

/// Serves a `Sampler` over the protocol: handshake, then one response per request line until
/// end of input. Every failure of a request becomes an error response; the loop keeps serving.
public enum SamplerWorker {
    public static func serve(_ sampler: any Sampler, readLine: () -> String?, writeLine: (String) -> Void) {
        writeLine(SamplerProtocol.handshakeLine(sampler: sampler.name))
        while let line = readLine() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            switch SamplerProtocol.parseRequest(line) {
            case .failure(let error):
                writeLine(SamplerProtocol.errorLine(id: error.id, error.message))
            case .success(let (id, request)):
                do {
                    writeLine(try SamplerProtocol.responseLine(id: id, batch: sampler.generate(request)))
                } catch let error as SamplerError {
                    writeLine(SamplerProtocol.errorLine(id: id, error.description))
                } catch {
                    writeLine(SamplerProtocol.errorLine(id: id, "\(error)"))
                }
            }
        }
    }
}
