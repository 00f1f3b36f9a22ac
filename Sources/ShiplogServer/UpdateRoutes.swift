import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShiplogModel
import Synchronization

/// The dynamic update endpoints (SPEC §9), answered from the page's in-memory snapshot like the
/// version endpoint (same access rule, `Cache-Control`, ETag with 304, CORS):
/// - `GET /v1/pages/{page}/components/{component}/update/{target}/{arch}/{current_version}?channel=&bundle=`:
///   Tauri's dynamic shape `{version, notes, pub_date, url, signature}`;
/// - `GET /v1/pages/{page}/components/{component}/squirrel/{platform}/{current_version}?channel=`:
///   Squirrel.Mac's `{url, name, notes, pub_date}`.
///
/// Both answer 204 without a body when the caller is up to date (or ahead, or no release of the
/// channel has a file for its platform): the "no update" both updaters understand.
struct UpdateRoutes: Sendable {
    let snapshots: Snapshots

    static let tauriPath: RouterPath = "v1/pages/:page/components/:component/update/:target/:arch/:current_version"
    static let squirrelPath: RouterPath = "v1/pages/:page/components/:component/squirrel/:platform/:current_version"

    func register(on router: Router<ShiplogContext>) {
        router.get(Self.tauriPath) { request, context in
            try await snapshots.ensureFresh(context.parameters.get("page")?.removingPercentEncoding ?? "")
            return try respond(request, context, squirrel: false)
        }
        router.get(Self.squirrelPath) { request, context in
            try await snapshots.ensureFresh(context.parameters.get("page")?.removingPercentEncoding ?? "")
            return try respond(request, context, squirrel: true)
        }
    }

    private func respond(_ request: Request, _ context: ShiplogContext, squirrel: Bool) throws(APIError) -> Response {
        let access = try context.caller.access(try RequestInput.page(context), in: snapshots)
        let question = try Self.question(request, context, squirrel: squirrel)
        let answer = try Self.answer(access.page, question, ifNoneMatch: request.headers[.ifNoneMatch])
        return Response(status: answer.status, headers: answer.headers, body: answer.body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody())
    }

    /// What an updater asks, its parts checked.
    struct Question: Sendable, Hashable {
        enum Updater: Sendable, Hashable {
            /// Tauri: `{target}/{arch}`, and Tauri 2's `{{bundle_type}}` when the endpoint passes it.
            case tauri(target: String, arch: String, bundle: String?)
            /// Squirrel.Mac: `darwin-aarch64`, `darwin-x86_64`, or `darwin`/`osx`/`mac`/`macos`.
            case squirrel(platform: String)
        }

        var component: String
        var updater: Updater
        var channel: String
        var current: Version
    }

    /// The question of a request, or a 400 naming the first part that is wrong.
    static func question(_ request: Request, _ context: ShiplogContext, squirrel: Bool) throws(APIError) -> Question {
        let component = try RequestInput.parameter("component", context) { Rules.slugProblem($0) }
        let updater: Question.Updater
        if squirrel {
            let platform = try RequestInput.parameter("platform", context) { platform in
                UpdateAnswer.isSquirrelPlatform(platform)
                    ? nil
                    : "\(JSONWriter.quoted(platform)) is not a macOS platform: use darwin-aarch64, darwin-x86_64, or darwin (osx, mac, macos) for any Mac"
            }
            updater = .squirrel(platform: platform)
        } else {
            let target = try RequestInput.parameter("target", context) { platformPartProblem($0, "target", example: "linux, windows or darwin") }
            let arch = try RequestInput.parameter("arch", context) {
                platformPartProblem($0, "architecture", example: "x86_64, aarch64, i686 or armv7")
            }
            let bundle = try RequestInput.query("bundle", request) {
                platformPartProblem($0, "bundle type", example: "appimage, deb, rpm, msi, nsis or app")
            }
            updater = .tauri(target: target, arch: arch, bundle: bundle)
        }
        let version = try RequestInput.parameter("current_version", context) { Rules.versionProblem($0) }
        let channel = try RequestInput.query("channel", request) { Rules.channelProblem($0) } ?? UpdateChannel.stable
        return Question(component: component, updater: updater, channel: channel, current: Version(version))
    }

    private static func platformPartProblem(_ text: String, _ what: String, example: String) -> String? {
        UpdateAnswer.isPlatformPart(text)
            ? nil
            : "\(JSONWriter.quoted(text.count > 40 ? String(text.prefix(40)) + "…" : text)) is not a valid \(what): use 1–32 of a-z, 0-9 and '_' (\(example))"
    }

    /// The answer to `question` for a caller who may read `page`: 200 with the update (its ETag; 304
    /// when `ifNoneMatch` names it), 204 when there is none, 404 for an unknown component. The
    /// update offered to the oldest caller is computed once per snapshot (``UpdateAnswerCache``);
    /// a caller gets it when its version is lower.
    static func answer(
        _ page: PageSnapshot,
        _ question: Question,
        ifNoneMatch: String?
    ) throws(APIError) -> (
        status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer?
    ) {
        let catalog = page.catalog
        guard let component = catalog.componentIndex[question.component] else {
            throw APIError.notFound("component \(JSONWriter.quoted(question.component))")
        }
        var headers: HTTPFields = [
            .cacheControl: page.data.page.isPublic ? "no-cache" : "private, no-cache",
            .releasePageMediaType: ReleasePageDialect.mediaType,
        ]
        let key = UpdateAnswerCache.Key(component: component, updater: question.updater, channel: question.channel)
        guard let offered = page.updates.entry(key, make: { offer(catalog, key) }), offered.version.compare(question.current) > 0 else {
            return (.noContent, headers, nil)
        }
        headers[.eTag] = offered.etag
        if let ifNoneMatch, VersionRoute.matches(ifNoneMatch, offered.etag) { return (.notModified, headers, nil) }
        headers[.contentType] = "application/json; charset=utf-8"
        return (.ok, headers, offered.body)
    }

    /// The update offered to the oldest caller, encoded, or nil when no release has a file for the platform.
    private static func offer(_ catalog: Catalog, _ key: UpdateAnswerCache.Key) -> UpdateAnswerCache.Entry? {
        let document: JSONValue
        let release: Int
        switch key.updater {
        case .tauri(let target, let arch, let bundle):
            guard
                let offer = catalog.tauriUpdate(
                    component: key.component,
                    target: target,
                    arch: arch,
                    bundle: bundle,
                    channel: key.channel,
                    current: nil
                )
            else { return nil }
            (document, release) = (catalog.tauriAnswer(offer), offer.release)
        case .squirrel(let platform):
            guard let offer = catalog.squirrelUpdate(component: key.component, platform: platform, channel: key.channel, current: nil) else {
                return nil
            }
            (document, release) = (catalog.squirrelAnswer(offer), offer.release)
        }
        let text = JSONWriter.write(document, pretty: false)
        let digest = SHA256.hash(data: Data(text.utf8))
        let hex = digest.prefix(16).flatMap { byte in [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]] }
        return UpdateAnswerCache.Entry(
            version: catalog.data.releases[release].version,
            body: ByteBuffer(string: text),
            etag: "\"" + String(decoding: hex, as: UTF8.self) + "\""
        )
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// The update answers of one page snapshot, each computed on its first request: per component,
/// platform (and bundle) and channel, the update offered to the oldest caller. A new snapshot (any
/// release write) starts empty; at most ``limit`` answers are kept, so made-up platforms cannot
/// grow it without bound (past it, answers are computed each time).
final class UpdateAnswerCache: Sendable {
    struct Key: Hashable, Sendable {
        var component: Int
        var updater: UpdateRoutes.Question.Updater
        var channel: String
    }

    struct Entry: Sendable {
        /// The offered release's version (a caller below it gets the body).
        var version: Version
        var body: ByteBuffer
        var etag: String
    }

    static let limit = 4096
    private let entries = Mutex<[Key: Entry?]>([:])

    /// The answer for `key`, made by `make` when it is not kept yet.
    func entry(_ key: Key, make: () -> Entry?) -> Entry? {
        if let kept = entries.withLock({ $0[key] }) { return kept }
        let made = make()
        entries.withLock { entries in
            // `.some`: a kept "no update" is an entry too (assigning nil would remove the key).
            if entries.count < Self.limit { entries[key] = .some(made) }
        }
        return made
    }
}
