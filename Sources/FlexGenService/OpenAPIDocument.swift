import Foundation
import FlexGenIO

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
            return try build(schemas: try bundledSchemas(), authenticated: authenticated, metricsPublic: metricsPublic).prettyText
        } catch {
            // Only a broken build can get here (the resources are part of the target).
            fatalError("FlexGenService: the OpenAPI document cannot be built from its schema resources: \(error)")
        }
    }

    /// The schema files of docs/schemas, by file name (`problem.schema.json`), from this target's
    /// resources. Read as `JSONValue`, which keeps number literals as written: the schemas' bounds
    /// ±(2^1024 − 2^970) are beyond what `JSONSerialization` holds.
    static func bundledSchemas() throws -> [String: JSONValue] {
        guard let folder = Bundle.module.url(forResource: "Schemas", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        var schemas: [String: JSONValue] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".schema.json") {
            schemas[name] = try JSONValue(parsing: Data(contentsOf: folder.appendingPathComponent(name)))
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

    /// The whole document.
    static func build(schemas: [String: JSONValue], authenticated: Bool, metricsPublic: Bool) throws -> JSONValue {
        var components: [String: JSONValue] = [:]
        for (file, schema) in schemas {
            guard case .object(var root) = schema else { throw CocoaError(.propertyListReadCorrupt) }
            let defs = root.removeValue(forKey: "$defs")
            root["$schema"] = nil
            root["$id"] = nil
            if case .object(let members)? = defs {
                for (name, def) in members { components[componentName(file: file, def: name)] = rewritingReferences(def, in: file) }
            }
            if file != "service.schema.json" {
                components[componentName(file: file, def: nil)] = rewritingReferences(.object(root), in: file)
            }
        }
        guard case .object(var document) = try JSONValue(parsing: Data(operations.utf8)),
              case .object(var parts)? = document["components"],
              case .object(var paths)? = document["paths"] else { throw CocoaError(.propertyListReadCorrupt) }
        parts["schemas"] = .object(components)
        func edit(_ path: String, _ method: String, _ change: (inout [String: JSONValue]) -> Void) {
            guard case .object(var item)? = paths[path], case .object(var operation)? = item[method] else { return }
            change(&operation)
            item[method] = .object(operation)
            paths[path] = .object(item)
        }
        func dropUnauthorized(_ operation: inout [String: JSONValue]) {
            if case .object(var responses)? = operation["responses"] {
                responses["401"] = nil
                operation["responses"] = .object(responses)
            }
        }
        if !authenticated {
            // No token: nothing is refused for want of one.
            parts["securitySchemes"] = nil
            document["security"] = nil
            for (path, item) in paths {
                guard case .object(let operations) = item else { continue }
                for method in operations.keys {
                    edit(path, method) { operation in
                        operation["security"] = nil
                        dropUnauthorized(&operation)
                    }
                }
            }
        } else if metricsPublic {
            edit(Route.metrics.path, "get") { operation in
                operation["security"] = .array([])
                dropUnauthorized(&operation)
            }
        }
        document["paths"] = .object(paths)
        document["components"] = .object(parts)
        return .object(document)
    }

    /// `schema` with every `$ref` pointing into `components/schemas`: `#/$defs/x` of `file`,
    /// `other.schema.json#/$defs/x`, or `other.schema.json` (its root).
    static func rewritingReferences(_ schema: JSONValue, in file: String) -> JSONValue {
        switch schema {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, value) in members {
                if key == "$ref", case .string(let reference) = value {
                    let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let target = parts[0].isEmpty ? file : String(parts[0])
                    let def = parts.count > 1 && parts[1].hasPrefix("/$defs/") ? String(parts[1].dropFirst(7)) : nil
                    out[key] = .string("#/components/schemas/" + componentName(file: target, def: def))
                } else {
                    out[key] = rewritingReferences(value, in: file)
                }
            }
            return .object(out)
        case .array(let values):
            return .array(values.map { rewritingReferences($0, in: file) })
        default:
            return schema
        }
    }
}
