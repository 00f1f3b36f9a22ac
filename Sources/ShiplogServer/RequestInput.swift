import Foundation
import Hummingbird
import NIOCore
import ShiplogModel

/// Reading what a request carries: path parameters, query parameters and JSON bodies, each
/// checked, with a 400 naming the field when it is wrong.
enum RequestInput {
    /// A path parameter, percent-decoded, that must pass `rule` (a message when it does not).
    static func parameter(_ name: String, _ context: ShiplogContext, rule: (String) -> String?) throws(APIError) -> String {
        guard let raw = context.parameters.get(name) else { throw APIError.notFound("route") }
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.invalid("the path is not valid", causes: [.init(field: name, error: "not valid percent-encoded UTF-8")])
        }
        if let problem = rule(decoded) {
            throw APIError.invalid("the path is not valid", causes: [.init(field: name, error: problem)])
        }
        return decoded
    }

    /// The page id of the path; an id that breaks the slug rule names no page (404).
    static func page(_ context: ShiplogContext) throws(APIError) -> String {
        guard let raw = context.parameters.get("page"), let id = raw.removingPercentEncoding, Rules.slugProblem(id) == nil else {
            throw APIError.notFound("page \(JSONWriter.quoted(context.parameters.get("page") ?? ""))")
        }
        return id
    }

    /// The `{id}` of the path (a release's or a deployment's); an id that breaks the id rule names nothing (404).
    static func id(_ context: ShiplogContext) throws(APIError) -> String {
        guard let raw = context.parameters.get("id"), let id = raw.removingPercentEncoding, Rules.idProblem(id) == nil else {
            throw APIError.notFound("id \(JSONWriter.quoted(context.parameters.get("id") ?? ""))")
        }
        return id
    }

    /// Refuses body members among `fields`, which the store sets and a client never does (SPEC §1);
    /// a `null` one counts as absent, as everywhere in a body.
    static func refuseStoreSet(_ members: [JSONMember], _ fields: Set<String>) throws(APIError) {
        let given = members.filter { fields.contains($0.key) && $0.value != .null }
        let causes = given.map { APIError.Cause(field: $0.key, error: "set by the store; leave it out") }
        if !causes.isEmpty { throw APIError.invalid("the body gives fields the store sets", causes: causes) }
    }

    /// The body's bytes: at most ``ServerLimits/maximumBodySize`` of them, else 413.
    static func bytes(_ request: Request, _ context: ShiplogContext) async throws -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(ServerLimits.maximumBodySize) bytes")
        }
        return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
    }

    /// The body as JSON: at most ``ServerLimits/maximumBodySize`` bytes (else 413), valid UTF-8 and JSON (else 400).
    static func json(_ request: Request, _ context: ShiplogContext) async throws -> JSONValue {
        let bytes = try await bytes(request, context)
        if bytes.isEmpty {
            throw APIError(.badRequest, "invalid_json", "the request needs a JSON body", causes: [.init(field: "body", error: "empty")])
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw APIError(
                .badRequest,
                "invalid_json",
                "the body is not valid JSON: \(error.message) at line \(error.line), column \(error.column)",
                causes: [.init(field: error.path.components.isEmpty ? "body" : error.path.description, error: error.message)]
            )
        }
    }

    /// A JSON object body (400 when it is another type).
    static func object(_ request: Request, _ context: ShiplogContext) async throws -> [JSONMember] {
        let value = try await json(request, context)
        guard case .object(let members) = value else {
            throw APIError.invalid(
                "the body must be a JSON object",
                causes: [.init(field: "body", error: "expected an object, found \(value.typeDescription)")]
            )
        }
        return members
    }

    /// Body members with `key` set to `value` from the path: a body may leave it out or repeat it, never differ.
    static func fixing(_ key: String, to value: String, in members: [JSONMember]) throws(APIError) -> [JSONMember] {
        guard let given = members.first(where: { $0.key == key }), given.value != .null else {
            return [JSONMember(key, .string(value))] + members.filter { $0.key != key }
        }
        guard given.value == .string(value) else {
            throw APIError.invalid(
                "the \(key) is the path's",
                causes: [.init(field: key, error: "must be \(JSONWriter.quoted(value)) as in the path, or left out")]
            )
        }
        return members
    }

    /// `?limit=` between 1 and 200 (default 50, SPEC §6.1).
    static func limit(_ request: Request) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 50 }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let limit = Int(text), (1...200).contains(limit) else {
            throw APIError.invalid("the query is not valid", causes: [.init(field: "limit", error: "expected a whole number from 1 to 200")])
        }
        return limit
    }

    /// An optional query parameter that must pass `rule`.
    static func query(_ name: String, _ request: Request, rule: (String) -> String?) throws(APIError) -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        if let problem = rule(value) {
            throw APIError.invalid("the query is not valid", causes: [.init(field: name, error: problem)])
        }
        return value
    }
}

/// Opaque cursors for lists: base64url of a small JSON document naming the last item seen.
enum Cursor {
    static func encode(_ value: JSONValue) -> String {
        Data(JSONWriter.write(value, pretty: false).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) throws(APIError) -> JSONValue {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let value = try? JSONParser.parse([UInt8](data)) else {
            throw APIError.invalid("the query is not valid", causes: [.init(field: "cursor", error: "not a cursor this server gave out")])
        }
        return value
    }
}
