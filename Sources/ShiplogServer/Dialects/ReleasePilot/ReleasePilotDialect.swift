import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogModel

/// Release Pilot's dialect (SPEC §7, seed `000_…`) under `/releasepilot/api/v1`: every answer is
/// `{"data": …, "message": "Success", "status": N}`, every error `{"error": sentence, "status": N}`,
/// lists take `skip` and `size`.
enum ReleasePilotDialect {
    static let prefix = "/releasepilot/api/v1/"
    /// `size` when none is given, and the largest taken.
    static let defaultSize = 50
    static let maximumSize = 200

    static func owns(_ path: String) -> Bool { path.hasPrefix(prefix) }

    /// The error as Release Pilot writes it: the sentence names each field that is wrong.
    static func response(_ error: APIError) -> Response {
        var sentence = error.sentence
        if !error.causes.isEmpty {
            sentence += ": " + error.causes.map { "\($0.field): \($0.error)" }.joined(separator: "; ")
        }
        var headers = error.headers
        headers[.wwwAuthenticate] = error.status == .unauthorized ? "Bearer" : nil
        return JSONResponse.make(
            .object([JSONMember("error", .string(sentence)), JSONMember("status", .int(error.status.code))]),
            status: error.status,
            headers: headers
        )
    }

    /// `data` in the envelope, answered with `status`.
    static func envelope(_ data: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        JSONResponse.make(
            .object([JSONMember("data", data), JSONMember("message", .string("Success")), JSONMember("status", .int(status.code))]),
            status: status,
            headers: headers
        )
    }

    /// A native route's successful answer in the envelope (a 204 becomes 200 with `data: null`);
    /// its headers but the body's own are kept (`Location` …).
    static func envelope(_ response: Response) async throws -> Response {
        var headers = response.headers
        headers[.contentLength] = nil
        headers[.contentType] = nil
        guard response.status != .noContent else { return envelope(.null, headers: headers) }
        let sink = BodySink()
        try await response.body.write(SinkWriter(sink: sink))
        let bytes = sink.buffer.getBytes(at: sink.buffer.readerIndex, length: sink.buffer.readableBytes) ?? []
        let data = bytes.isEmpty ? JSONValue.null : try JSONParser.parse(bytes)
        return envelope(data, status: response.status, headers: headers)
    }

    /// One page of `items`: `?skip=` (0 and up, default 0) and `?size=` (1–200, default 50).
    static func page(_ items: [JSONValue], _ request: Request) throws(APIError) -> Response {
        let skip = try number("skip", request, range: 0...Int.max, default: 0)
        let size = try number("size", request, range: 1...maximumSize, default: defaultSize)
        let start = min(skip, items.count)
        return envelope(.array(Array(items[start..<min(items.count, start + size)])))
    }

    private static func number(_ name: String, _ request: Request, range: ClosedRange<Int>, default value: Int) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            let bounds = range.upperBound == Int.max ? "0 or more" : "from \(range.lowerBound) to \(range.upperBound)"
            throw APIError.invalid("the query is not valid", causes: [.init(field: name, error: "expected a whole number \(bounds)")])
        }
        return number
    }
}

/// Collects a response body (the native answers are small JSON documents).
private final class BodySink {
    var buffer = ByteBuffer()
}

private struct SinkWriter: ResponseBodyWriter {
    let sink: BodySink

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
