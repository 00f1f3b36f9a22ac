import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogModel

/// `GET /v1/pages/{pageId}/version`: the hosted-page-compatible version document (SPEC §6), answered
/// from the in-memory snapshot with an ETag (304 on `If-None-Match`) `Cache-Control: no-cache` and ReleasePage's media-type header.
struct VersionRoute: Sendable {
    let snapshots: Snapshots

    /// The route; its description (`/v1/pages/{page}/version`) labels its requests in `/metrics`.
    static let path: RouterPath = "v1/pages/:page/version"

    func register(on router: Router<ShiplogContext>) {
        router.get(Self.path) { request, context in
            try await snapshots.ensureFresh(context.parameters.get("page") ?? "")
            return try respond(request, context)
        }
    }

    func respond(_ request: Request, _ context: ShiplogContext) throws(APIError) -> Response {
        let access = try context.caller.access(try RequestInput.page(context), in: snapshots)
        let answer = Self.answer(access.page, ifNoneMatch: request.headers[.ifNoneMatch])
        return Response(status: answer.status, headers: answer.headers, body: answer.body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody())
    }

    /// The answer for a caller who may read `page`: the document with its ETag, or 304 when
    /// `ifNoneMatch` names that ETag. ``VersionFastPath`` answers with it too.
    static func answer(_ page: PageSnapshot, ifNoneMatch: String?) -> (status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer?) {
        var headers: HTTPFields = [
            .eTag: page.versionETag,
            // ReleasePage's dialect (SPEC §7): revalidate every time; a 304 costs next to nothing.
            .cacheControl: page.data.page.isPublic ? "no-cache" : "private, no-cache",
            .releasePageMediaType: ReleasePageDialect.mediaType,
        ]
        if let ifNoneMatch, matches(ifNoneMatch, page.versionETag) {
            return (.notModified, headers, nil)
        }
        headers[.contentType] = "application/json; charset=utf-8"
        return (.ok, headers, page.versionBody)
    }

    /// Whether an `If-None-Match` list names `etag` (weak comparison, `*` matches anything).
    static func matches(_ condition: String, _ etag: String) -> Bool {
        condition.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}
