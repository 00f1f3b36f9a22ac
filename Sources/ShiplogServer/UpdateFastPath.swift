import ShiplogModel

/// What ``VersionFastPath`` answers ahead of the router: the version document of a page, or an
/// update route's question (SPEC §9) in the plain form it can read without the router.
enum FastQuestion: Sendable {
    /// `GET /v1/pages/{page}/version`.
    case version(page: String)
    /// `GET /v1/pages/{page}/components/{c}/update/…` or `…/squirrel/…`.
    case updates(page: String, UpdateRoutes.Question)

    /// The route it is counted under in `/metrics`.
    enum Route: Sendable, Equatable {
        case version, tauri, squirrel
    }

    var page: String {
        switch self {
        case .version(let page), .updates(let page, _): page
        }
    }

    var route: Route {
        switch self {
        case .version: .version
        case .updates(_, let question):
            if case .tauri = question.updater { .tauri } else { .squirrel }
        }
    }

    /// The question of an update route's path when every part of it is plain and valid: no
    /// percent-encoding, a query of `channel` (and for Tauri `bundle`) alone, each at most once and
    /// not empty; nil for anything else, which the router answers (its 400s and 404s included).
    static func update(path: String) -> FastQuestion? {
        guard path.hasPrefix(ReleasePageDialect.prefix), !path.utf8.contains(UInt8(ascii: "%")) else { return nil }
        let whole = path.utf8.dropFirst(ReleasePageDialect.prefix.utf8.count)
        let query = whole.firstIndex(of: UInt8(ascii: "?"))
        let parts = (query.map { whole[..<$0] } ?? whole).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
            String(Substring($0))
        }
        guard parts.count == 6 || parts.count == 7, parts[1] == "components" else { return nil }
        let (page, component, current) = (parts[0], parts[2], parts[parts.count - 1])
        guard Rules.slugProblem(page) == nil, Rules.slugProblem(component) == nil, Rules.versionProblem(current) == nil else { return nil }
        let updater: UpdateRoutes.Question.Updater
        if parts.count == 7, parts[3] == "update", UpdateAnswer.isPlatformPart(parts[4]), UpdateAnswer.isPlatformPart(parts[5]) {
            updater = .tauri(target: parts[4], arch: parts[5], bundle: nil)
        } else if parts.count == 6, parts[3] == "squirrel", UpdateAnswer.isSquirrelPlatform(parts[4]) {
            updater = .squirrel(platform: parts[4])
        } else {
            return nil
        }
        var values: [String: String] = [:]
        if let query {
            for item in whole[whole.index(after: query)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
                guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else { return nil }
                let name = String(Substring(item[..<equals]))
                let value = String(Substring(item[item.index(after: equals)...]))
                // `bundle` is Tauri's alone.
                let known = name == "channel" || (name == "bundle" && parts.count == 7)
                guard known, values[name] == nil, !value.isEmpty else { return nil }
                values[name] = value
            }
        }
        if let channel = values["channel"], Rules.channelProblem(channel) != nil { return nil }
        var question = UpdateRoutes.Question(
            component: component,
            updater: updater,
            channel: values["channel"] ?? UpdateChannel.stable,
            current: Version(current)
        )
        if let bundle = values["bundle"] {
            guard UpdateAnswer.isPlatformPart(bundle), case .tauri(let target, let arch, _) = updater else { return nil }
            question.updater = .tauri(target: target, arch: arch, bundle: bundle)
        }
        return .updates(page: page, question)
    }
}
