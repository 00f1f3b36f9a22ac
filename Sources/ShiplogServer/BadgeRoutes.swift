import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogModel

/// README badges from the snapshot (SPEC §9), at the paths of the site's files under the page:
/// `GET /v1/pages/{page}/components/{component}/badge.svg` (and `badge.json`) and
/// `GET /v1/pages/{page}/environments/{environment}/{component}/badge.svg` (and `badge.json`).
/// They answer like ``VersionRoute``: who may read the page, `Cache-Control`, an ETag and 304.
struct BadgeRoutes: Sendable {
    let snapshots: Snapshots

    /// The two files of a badge and how each is sent.
    enum File: String, CaseIterable, Sendable {
        case svg = "badge.svg"
        case json = "badge.json"

        var contentType: String { self == .svg ? "image/svg+xml; charset=utf-8" : "application/json; charset=utf-8" }

        func body(_ badge: Badge) -> String { self == .svg ? badge.svg : badge.endpointJSON }
    }

    func register(on router: Router<ShiplogContext>) {
        for file in File.allCases {
            router.get("v1/pages/:page/components/:component/\(file.rawValue)") { request, context in
                try await snapshots.ensureFresh(context.parameters.get("page") ?? "")
                let page = try access(context)
                let offset = try component(page, context)
                return Self.answer(page, file: file, badge: page.catalog.componentBadge(offset), ifNoneMatch: request.headers[.ifNoneMatch])
            }
            router.get("v1/pages/:page/environments/:environment/:component/\(file.rawValue)") { request, context in
                try await snapshots.ensureFresh(context.parameters.get("page") ?? "")
                let page = try access(context)
                let offset = try component(page, context)
                let environment = context.parameters.get("environment")?.removingPercentEncoding ?? ""
                let known = page.data.environments.contains { $0.name == environment }
                guard known || page.data.deployments.contains(where: { $0.environment == environment }) else {
                    throw APIError.notFound("environment \(JSONWriter.quoted(environment))")
                }
                let badge = page.catalog.environmentBadge(environment: environment, component: offset)
                return Self.answer(page, file: file, badge: badge, ifNoneMatch: request.headers[.ifNoneMatch])
            }
        }
    }

    private func access(_ context: ShiplogContext) throws(APIError) -> PageSnapshot {
        try context.caller.access(try RequestInput.page(context), in: snapshots).page
    }

    /// The offset of the path's component; 404 when the page has none of that slug.
    private func component(_ page: PageSnapshot, _ context: ShiplogContext) throws(APIError) -> Int {
        let slug = context.parameters.get("component")?.removingPercentEncoding ?? ""
        guard let offset = page.catalog.componentIndex[slug] else { throw APIError.notFound("component \(JSONWriter.quoted(slug))") }
        return offset
    }

    /// The badge with a strong ETag of its bytes, or 304 when `ifNoneMatch` names it; the caching
    /// of the version document (revalidate every time, `private` for a private page).
    static func answer(_ page: PageSnapshot, file: File, badge: Badge, ifNoneMatch: String?) -> Response {
        let body = file.body(badge)
        let digest = SHA256.hash(data: Data(body.utf8))
        let etag = "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        var headers: HTTPFields = [
            .eTag: etag,
            .cacheControl: page.data.page.isPublic ? "no-cache" : "private, no-cache",
        ]
        if let ifNoneMatch, VersionRoute.matches(ifNoneMatch, etag) { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
