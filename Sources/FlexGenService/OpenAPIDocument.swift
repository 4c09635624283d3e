import Foundation

/// The OpenAPI 3.1 description of the service, served at `GET /v1/openapi.json`, built when first
/// served from two parts:
/// - the JSON Schemas of docs/schemas (every file format and the service's own bodies), which this
///   target carries as resources (`Schemas/`, a copy that FlexGenServiceTests compares byte for byte
///   with docs/schemas), embedded under `components/schemas` with their `$ref`s rewritten;
/// - the operations (`OpenAPIDocument.operations`): paths, parameters, responses and headers, which
///   refer to those components only.
///
/// OpenAPI 3.1's schema dialect is JSON Schema 2020-12, the schemas' own, so they embed unchanged
/// but for the references. The document describes the server as configured: with a bearer token
/// (`--auth-token-file`) every protected route declares the security scheme and its 401.
enum OpenAPIDocument {
    /// The document for a server configured with or without a token and a public `/metrics`.
    static func json(authenticated: Bool, metricsPublic: Bool) -> String {
        switch (authenticated, metricsPublic) {
        case (false, _): open
        case (true, false): authenticatedText
        case (true, true): authenticatedPublicMetricsText
        }
    }

    /// The document of a server without authentication (the default).
    static var json: String { open }

    private static let open = render(authenticated: false, metricsPublic: false)
    private static let authenticatedText = render(authenticated: true, metricsPublic: false)
    private static let authenticatedPublicMetricsText = render(authenticated: true, metricsPublic: true)

    private static func render(authenticated: Bool, metricsPublic: Bool) -> String {
        do {
            let document = try build(schemas: try bundledSchemas(), authenticated: authenticated, metricsPublic: metricsPublic)
            let data = try JSONSerialization.data(withJSONObject: document,
                                                  options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            // Only a broken build can get here (the resources are part of the target).
            fatalError("FlexGenService: the OpenAPI document cannot be built from its schema resources: \(error)")
        }
    }

    /// The schema files of docs/schemas, by file name (`problem.schema.json`), from this target's resources.
    static func bundledSchemas() throws -> [String: [String: Any]] {
        guard let folder = Bundle.module.url(forResource: "Schemas", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        var schemas: [String: [String: Any]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".schema.json") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            schemas[name] = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        return schemas
    }

    /// The `components/schemas` name of a schema file's root (`def` nil) or of one of its `$defs`:
    /// `problem.schema.json` → `Problem`, its `client` → `ProblemClient`; the service's own bodies
    /// (`service.schema.json`) keep their names (`ErrorBody`).
    static func componentName(file: String, def: String?) -> String {
        func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
        let base = capitalized(String(file.prefix { $0 != "." }))
        guard let def else { return base }
        return file == "service.schema.json" ? capitalized(def) : base + capitalized(def)
    }

    /// The whole document as JSON objects.
    static func build(schemas: [String: [String: Any]], authenticated: Bool, metricsPublic: Bool) throws -> [String: Any] {
        var components: [String: Any] = [:]
        for (file, schema) in schemas {
            var root = schema
            let defs = root.removeValue(forKey: "$defs") as? [String: Any] ?? [:]
            root["$schema"] = nil
            root["$id"] = nil
            for (name, def) in defs { components[componentName(file: file, def: name)] = rewritingReferences(def, in: file) }
            if file != "service.schema.json" { components[componentName(file: file, def: nil)] = rewritingReferences(root, in: file) }
        }
        guard var document = try JSONSerialization.jsonObject(with: Data(operations.utf8)) as? [String: Any],
              var parts = document["components"] as? [String: Any],
              var paths = document["paths"] as? [String: Any] else { throw CocoaError(.propertyListReadCorrupt) }
        parts["schemas"] = components
        if !authenticated {
            // No token: nothing is refused for want of one.
            parts["securitySchemes"] = nil
            document["security"] = nil
            for (path, item) in paths {
                guard var operations = item as? [String: Any] else { continue }
                for (method, operation) in operations {
                    guard var operation = operation as? [String: Any] else { continue }
                    operation["security"] = nil
                    var responses = operation["responses"] as? [String: Any] ?? [:]
                    responses["401"] = nil
                    operation["responses"] = responses
                    operations[method] = operation
                }
                paths[path] = operations
            }
        } else if metricsPublic, var metrics = paths[Route.metrics.path] as? [String: Any],
                  var get = metrics["get"] as? [String: Any] {
            get["security"] = [Any]()
            var responses = get["responses"] as? [String: Any] ?? [:]
            responses["401"] = nil
            get["responses"] = responses
            metrics["get"] = get
            paths[Route.metrics.path] = metrics
        }
        document["paths"] = paths
        document["components"] = parts
        return document
    }

    /// `schema` with every `$ref` pointing into `components/schemas`: `#/$defs/x` of `file`,
    /// `other.schema.json#/$defs/x`, or `other.schema.json` (its root).
    static func rewritingReferences(_ schema: Any, in file: String) -> Any {
        switch schema {
        case let object as [String: Any]:
            var out: [String: Any] = [:]
            for (key, value) in object {
                if key == "$ref", let reference = value as? String {
                    let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let target = parts[0].isEmpty ? file : String(parts[0])
                    let def = parts.count > 1 && parts[1].hasPrefix("/$defs/") ? String(parts[1].dropFirst(7)) : nil
                    out[key] = "#/components/schemas/" + componentName(file: target, def: def)
                } else {
                    out[key] = rewritingReferences(value, in: file)
                }
            }
            return out
        case let array as [Any]:
            return array.map { rewritingReferences($0, in: file) }
        default:
            return schema
        }
    }
}
