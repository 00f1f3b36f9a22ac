import Foundation
import ShiplogModel
import Yams

/// The OpenAPI document (`openapi.yaml` in the repository), served as JSON at `/openapi.json`.
enum OpenAPIDocument {
    /// Reads the YAML document and converts it to JSON text.
    static func json(fromYAMLAt path: String) throws -> String {
        try json(fromYAML: try String(contentsOfFile: path, encoding: .utf8), source: path)
    }

    /// Converts the YAML `text` (read from `source`, which errors name) to JSON text.
    static func json(fromYAML text: String, source: String) throws -> String {
        guard let node = try Yams.compose(yaml: text) else { throw OpenAPIError("\(source) is empty") }
        return JSONWriter.write(try value(node), pretty: false)
    }

    struct OpenAPIError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private static func value(_ node: Node) throws -> JSONValue {
        switch node {
        case .mapping(let mapping):
            return .object(
                try mapping.map { key, value in
                    guard let name = key.string else { throw OpenAPIError("a mapping key is not a string") }
                    return JSONMember(name, try Self.value(value))
                }
            )
        case .sequence(let sequence):
            return .array(try sequence.map(Self.value))
        case .scalar(let scalar):
            // Quoted scalars are strings; plain ones may be null, booleans or numbers, as in YAML 1.2's core schema.
            if scalar.style != .plain { return .string(scalar.string) }
            switch scalar.string {
            case "null", "~", "": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                if let number = Double(scalar.string), !scalar.string.hasPrefix("+"), scalar.string.first != ".",
                    scalar.string.allSatisfy({ $0.isNumber || "-.eE".contains($0) })
                {
                    _ = number
                    return .number(scalar.string)
                }
                return .string(scalar.string)
            }
        case .alias:
            throw OpenAPIError("aliases are not supported in the OpenAPI document")
        }
    }
}
