import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShiplogModel

/// Serves the static site for every path outside the API (`/v1/`, `/api/`, the dialects of SPEC §7, `/health`,
/// `/metrics`, `/openapi.json`), so API requests never touch the file system and static files are not rate-limited.
///
/// A private page's site is served like its API (SPEC §6.2): only to a request with a key of that page
/// (401 without one, 404 with another page's key). A path that finds no file answers the theme's
/// `404.html` with status 404. Symlinks out of the site folder are not followed (``SiteFile``), and a
/// directory's redirect keeps to this host (`//x` redirects to `/x/`, never to host `x`).
struct SiteFilesMiddleware: RouterMiddleware {
    typealias Context = ShiplogContext
    let root: String
    /// The page the site shows, whose visibility decides who may read the site.
    let page: String
    let snapshots: Snapshots
    let keys: KeyRing
    let logger: Logger

    /// The dialects' base paths (SPEC §7; ReleasePage's is under `/v1/`): their `GET`s are routes, not files.
    static let dialectPrefixes = ["/releasepilot/", "/aviator/", "/releasebits/", "/apps/"]

    static func isAPI(_ path: String) -> Bool {
        path.hasPrefix("/v1/") || path.hasPrefix("/api/") || path == "/health" || path == "/metrics" || path == "/openapi.json"
            || dialectPrefixes.contains { path.hasPrefix($0) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard request.method == .get || request.method == .head, !Self.isAPI(path) else {
            return try await next(request, context)
        }
        // Every file is one series in `/metrics`, whatever its path (a path the router takes after all relabels it).
        context.coreContext.endpointPath.value = "SiteFiles"
        // A page the store does not hold (yet) counts as private: what is in the folder is not its site.
        let isPublic = snapshots[page]?.data.page.isPublic ?? false
        if !isPublic {
            let caller: Caller
            do {
                caller = try await keys.caller(request)
            } catch {
                logger.error("store: \(error)")
                return try APIError.from(error).response(from: request, context: context)
            }
            do {
                _ = try caller.access(page, in: snapshots)
            } catch {
                return try error.response(from: request, context: context)
            }
        }
        guard let segments = Self.segments(path) else { return try await next(request, context) }
        switch SiteFile.find(segments, under: root, wantsDirectory: path.hasSuffix("/")) {
        case .file(let bytes, let file):
            return Self.answer(request, .ok, bytes, type: Self.mediaType(file), isPublic: isPublic)
        case .directory:
            let location = "/" + segments.map(Self.encoded).joined(separator: "/") + "/"
            return Response(status: .movedPermanently, headers: [.location: location + (request.uri.query.map { "?" + $0 } ?? "")])
        case .missing:
            // Every route of the router is under an API path, so nothing else could answer here.
            guard case .file(let bytes, _) = SiteFile.find(["404.html"], under: root, wantsDirectory: false) else {
                return try await next(request, context)
            }
            return Self.answer(request, .notFound, bytes, type: "text/html; charset=utf-8", isPublic: isPublic)
        }
    }

    private static func answer(_ request: Request, _ status: HTTPResponse.Status, _ bytes: ByteBuffer, type: String, isPublic: Bool) -> Response {
        var headers: HTTPFields = [.contentType: type, .contentLength: String(bytes.readableBytes)]
        // A private page's files must not sit in shared caches, where a request without a key would find them.
        // A 404 is not kept: the file may be there after the next build.
        let age = status == .ok ? "max-age=60" : "no-cache"
        headers[.cacheControl] = (isPublic ? "public, " : "private, ") + age
        if !isPublic { headers[.vary] = "Authorization" }
        if request.method == .head { return Response(status: status, headers: headers) }
        headers[.contentLength] = nil
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }

    private static func mediaType(_ file: String) -> String {
        let name = file.split(separator: "/").last ?? ""
        // The Atom feeds (`atom.xml`, the page's and each component's) in Atom's own type (RFC 4287 §7).
        if name == "atom.xml" { return "application/atom+xml; charset=utf-8" }
        let fileExtension = name.contains(".") ? name.split(separator: ".").last : nil
        var type = fileExtension.flatMap { MediaType.getMediaType(forExtension: String($0)) }?.description ?? "application/octet-stream"
        if type.hasPrefix("text/") || type.hasSuffix("json") || type.hasSuffix("xml") { type += "; charset=utf-8" }
        return type
    }

    /// A decoded segment as it goes back into a `Location`: anything outside the path characters
    /// (a backslash, which browsers read as `/`, included) percent-encoded.
    private static func encoded(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/\\")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }

    /// The decoded path segments under the site's root; nil for anything that could leave it
    /// (`..`, encoded slashes, NUL, invalid percent-encoding).
    static func segments(_ path: String) -> [String]? {
        var segments: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let segment = raw.removingPercentEncoding, segment != "..", segment != ".", !segment.contains("/"),
                !segment.contains("\0"), !segment.hasPrefix(".")
            else { return nil }
            segments.append(segment)
        }
        return segments
    }
}
