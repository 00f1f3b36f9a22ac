import HTTPTypes
import NIOCore
import NIOHTTP1
import ShiplogModel

/// The `408 request_timeout` answer of ``ConnectionGuard`` to a request whose body stalled or did not
/// arrive whole in time (SPEC §6.2), as the API's JSON error.
enum RequestTimeoutAnswer {
    static func parts(_ timeouts: ConnectionTimeouts, whole: Bool) -> (head: HTTPServerResponsePart, body: HTTPServerResponsePart) {
        let message =
            whole
            ? "the request did not arrive whole within \(timeouts.request.components.seconds) s (serve --request-timeout)"
            : "the request body sent nothing for \(timeouts.body.components.seconds) s (serve --body-timeout)"
        let body = ByteBuffer(string: JSONWriter.write(APIError(.requestTimeout, "request_timeout", message).body, pretty: false))
        let headers: HTTPHeaders = [
            "content-type": "application/json; charset=utf-8",
            "content-length": String(body.readableBytes),
            "connection": "close",
        ]
        return (.head(HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers)), .body(.byteBuffer(body)))
    }
}
