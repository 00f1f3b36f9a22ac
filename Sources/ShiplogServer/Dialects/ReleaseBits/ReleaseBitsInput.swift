import Foundation
import Hummingbird
import NIOCore
import ShiplogModel

/// Reads a ReleaseBits deployment event (SPEC §7) from where its clients put it: a JSON body, an
/// `application/x-www-form-urlencoded` or `multipart/form-data` body, or the query string, with `meta_data[KEY]=VALUE` pairs
/// gathered into the `meta_data` object.
enum ReleaseBitsInput {
    /// The members of the event: the query string's (but `access_token`) and the body's. A body that
    /// starts with `{` is JSON whatever its content type (`curl -d '{…}'` sends JSON as a form);
    /// another non-empty body is a form. A field given twice with different values is refused.
    static func members(_ request: Request, _ context: ShiplogContext) async throws -> [JSONMember] {
        var members = try form(request.uri.query ?? "", source: "query string")
        members.removeAll { $0.key == "access_token" }
        let bytes = try await RequestInput.bytes(request, context)
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        var body: [JSONMember] = []
        if first == nil {
            body = []
        } else if type.contains("json") || first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            body = try json(bytes)
        } else if type.isEmpty || type.hasPrefix("application/x-www-form-urlencoded") {
            body = try form(String(decoding: bytes, as: UTF8.self), source: "form")
        } else if type.hasPrefix("multipart/form-data") {
            body = try Self.members(try ReleaseBitsMultipart.pairs(bytes, contentType: request.headers[.contentType] ?? ""), source: "form")
        } else {
            throw APIError(
                .unsupportedMediaType,
                "unsupported_media_type",
                "send the deployment as application/json, application/x-www-form-urlencoded or multipart/form-data, or in the query string"
            )
        }
        for member in body {
            if let given = members.first(where: { $0.key == member.key }) {
                guard given.value == member.value else {
                    throw APIError.invalid(
                        "a field is given twice",
                        causes: [.init(field: member.key, error: "given in the query string and in the body with different values")]
                    )
                }
                continue
            }
            members.append(member)
        }
        return members
    }

    private static func json(_ bytes: [UInt8]) throws(APIError) -> [JSONMember] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIError(
                .badRequest,
                "invalid_json",
                "the body is not valid JSON: \(error.message) at line \(error.line), column \(error.column)",
                causes: [.init(field: "body", error: error.message)]
            )
        }
        guard case .object(let members) = value else {
            throw APIError.invalid(
                "the body must be a JSON object",
                causes: [.init(field: "body", error: "expected an object, found \(value.typeDescription)")]
            )
        }
        return members
    }

    /// `a=1&b=2&meta_data[k]=v` (`+` is a space): strings, and `meta_data` as an object of strings.
    static func form(_ text: String, source: String) throws(APIError) -> [JSONMember] {
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ raw: Substring) throws(APIError) -> String {
                guard let text = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw APIError.invalid(
                        "the \(source) is not valid",
                        causes: [.init(field: String(parts[0]), error: "not valid percent-encoded UTF-8")]
                    )
                }
                return text
            }
            pairs.append((try decoded(parts[0]), try decoded(parts.count > 1 ? parts[1] : "")))
        }
        return try members(pairs, source: source)
    }

    /// Named text values (a form's, a multipart body's) as members: `meta_data[KEY]` pairs make the
    /// `meta_data` object; a name given twice must have one value.
    static func members(_ pairs: [(String, String)], source: String) throws(APIError) -> [JSONMember] {
        var members: [JSONMember] = []
        var meta: [JSONMember] = []
        for (key, value) in pairs {
            if key.hasPrefix("meta_data[") {
                let name = key.dropFirst("meta_data[".count)
                guard name.hasSuffix("]"), !name.dropLast().isEmpty, !name.dropLast().contains("["), !name.dropLast().contains("]") else {
                    throw APIError.invalid(
                        "the \(source) is not valid",
                        causes: [.init(field: key, error: "expected meta_data[KEY]=VALUE with one level of brackets")]
                    )
                }
                meta.removeAll { $0.key == String(name.dropLast()) }
                meta.append(JSONMember(String(name.dropLast()), .string(value)))
                continue
            }
            if let given = members.first(where: { $0.key == key }), given.value != .string(value) {
                throw APIError.invalid("the \(source) is not valid", causes: [.init(field: key, error: "given twice with different values")])
            }
            members.removeAll { $0.key == key }
            members.append(JSONMember(key, .string(value)))
        }
        if !meta.isEmpty {
            if members.contains(where: { $0.key == "meta_data" }) {
                throw APIError.invalid(
                    "the \(source) is not valid",
                    causes: [.init(field: "meta_data", error: "give meta_data[KEY]=VALUE pairs, not meta_data itself")]
                )
            }
            members.append(JSONMember("meta_data", .object(meta)))
        }
        return members
    }
}
