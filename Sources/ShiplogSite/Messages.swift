import Foundation
import ShiplogEmbedded
import ShiplogMarkdown
public import ShiplogModel

/// A rendered e-mail: subject, HTML and plain-text bodies.
public struct RenderedMail: Sendable, Hashable {
    public var subject: String
    public var html: String
    public var text: String
}

/// The pages the server renders itself (subscription answers), by template name under `server/`.
public enum ServerPage: String, Sendable, CaseIterable {
    /// After the subscription form was posted.
    case subscribed
    /// A confirmation link: a page with a button that confirms (a GET never does, so link scanners cannot).
    case confirm
    /// After confirming.
    case confirmed
    /// An unsubscribe link: a page with a button that unsubscribes.
    case unsubscribe
    /// After unsubscribing.
    case unsubscribed
    /// A link that is not valid (any more).
    case invalidLink = "invalid-link"
}

/// Renders the theme's mail templates (`mail/*.mustache`) and server pages (`server/*.mustache`),
/// overridable file by file like the site's pages (`--templates DIR`).
///
/// Text templates use triple mustaches (`{{{notes_text}}}`): nothing in a plain-text part is HTML-escaped.
public struct MessageRenderer: Sendable {
    let theme: Theme

    public static let requiredTemplates = [
        "mail/release.subject", "mail/release.html", "mail/release.txt", "mail/confirm.subject", "mail/confirm.html", "mail/confirm.txt",
        "mail/unsubscribe.subject", "mail/unsubscribe.html", "mail/unsubscribe.txt",
    ]

    /// Loads the theme of `directory` (nil: the built-in theme) with `overrides`.
    public init(directory: String?, overrides: String? = nil) throws(SiteError) {
        theme = try Theme(directory: directory, overrides: overrides)
        for name in Self.requiredTemplates + ServerPage.allCases.map({ "server/" + $0.rawValue }) where !theme.library.has(name) {
            throw SiteError(.template, "\(directory ?? EmbeddedTheme.label): the theme has no \(name).mustache")
        }
    }

    /// The mail about a newly published release.
    public func releaseMail(
        page: Page,
        component: Component,
        release: Release,
        bump: BumpKind,
        releaseURL: String,
        unsubscribeURL: String
    ) -> RenderedMail {
        let links = component.url.flatMap(RepositoryLinks.init(repositoryURL:))
        var context = Self.pageContext(page)
        context["component_name"] = .string(component.displayName)
        context["version"] = .string(release.version.text)
        context[string: "title"] = release.title
        context["heading"] = .string(release.title ?? "\(component.displayName) \(release.version.text)")
        context["bump"] = .string(bump.rawValue)
        context["prerelease"] = .bool(release.isPrerelease)
        context[string: "date"] = release.publishedAt?.humanDate
        context[string: "author"] = release.author
        context["notes_html"] = .string(release.notes.map { Self.absoluteLinks(MarkdownRenderer(links: links).html($0), base: releaseURL) } ?? "")
        context["notes_text"] = .string(release.notes ?? "")
        context["release_url"] = .string(releaseURL)
        context["unsubscribe_url"] = .string(unsubscribeURL)
        return mail("release", context)
    }

    /// The double opt-in mail with its confirmation link.
    public func confirmationMail(page: Page, preferences: [BumpKind], confirmURL: String, unsubscribeURL: String) -> RenderedMail {
        var context = Self.pageContext(page)
        context["confirm_url"] = .string(confirmURL)
        context["unsubscribe_url"] = .string(unsubscribeURL)
        context["preferences"] = .strings(preferences.map(\.rawValue))
        context["expires_days"] = 7
        return mail("confirm", context)
    }

    /// The mail that asks a confirmed subscriber to confirm an unsubscribe request made without a
    /// mail's link: it carries the unsubscribe link (whose page has the button).
    public func unsubscribeMail(page: Page, unsubscribeURL: String) -> RenderedMail {
        var context = Self.pageContext(page)
        context["unsubscribe_url"] = .string(unsubscribeURL)
        return mail("unsubscribe", context)
    }

    /// A page the server answers with; `values` are extra template variables (`email`, `action` …).
    public func serverPage(_ kind: ServerPage, page: Page?, values: [String: String] = [:]) -> String {
        var context: TemplateObject = page.map(Self.pageContext) ?? [:]
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { context[key] = .string(value) }
        return theme.render("server/" + kind.rawValue, context)
    }

    private func mail(_ name: String, _ context: TemplateObject) -> RenderedMail {
        // A subject is one line of plain text: line breaks, controls and bidi controls become spaces
        // (data stored before names refused them must not make every mail fail).
        let rendered = theme.render("mail/\(name).subject", context).unicodeScalars
            .map { Rules.isControl($0) || Rules.isBidiControl($0) ? " " : Character($0) }
        let subject = String(rendered).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return RenderedMail(subject: subject, html: theme.render("mail/\(name).html", context), text: theme.render("mail/\(name).txt", context))
    }

    private static func pageContext(_ page: Page) -> TemplateObject {
        var context: TemplateObject = [:]
        context["page_title"] = .string(page.title)
        context["page_id"] = .string(page.id)
        context[string: "page_url"] = page.baseURL
        return context
    }
}

extension MessageRenderer {
    /// The notes' relative links and image sources (`/docs/`, `../v1.1/`, `img/a.png`, `#fixed`)
    /// made absolute against the release's page, which is where the site resolves them: a mail
    /// client has no page to resolve them against.
    static func absoluteLinks(_ html: String, base: String) -> String {
        guard let baseURL = URL(string: base), baseURL.scheme != nil else { return html }
        var output = ""
        var rest = Substring(html)
        while let link = nextLink(in: rest) {
            output += rest[..<link.range.lowerBound]
            output += " \(link.name)=\"\(absolute(String(link.value), baseURL))\""
            rest = rest[link.range.upperBound...]
        }
        return output + rest
    }

    /// The first ` href="…"` or ` src="…"` attribute of `html` that is closed: its range, name and value.
    /// Read by hand (a regex literal would be compiled again for every mail).
    private static func nextLink(in html: Substring) -> (range: Range<Substring.Index>, name: Substring, value: Substring)? {
        var start = html.startIndex
        while let space = html[start...].firstIndex(of: " ") {
            let attribute = html[html.index(after: space)...]
            for name in ["href", "src"] where attribute.hasPrefix(name + "=\"") {
                let valueStart = attribute.index(attribute.startIndex, offsetBy: name.count + 2)
                if let close = attribute[valueStart...].firstIndex(of: "\"") {
                    return (space..<attribute.index(after: close), attribute.prefix(name.count), attribute[valueStart..<close])
                }
            }
            start = attribute.startIndex
        }
        return nil
    }

    /// Whether `value` starts with a URL scheme (`https:`, `mailto:`): `ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") ":"`.
    private static func hasScheme(_ value: String) -> Bool {
        guard let first = value.first, first.isASCII, first.isLetter else { return false }
        let rest = value.dropFirst().prefix { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
        return value.dropFirst(1 + rest.count).first == ":"
    }

    /// An attribute value (HTML-escaped) resolved against `base`; as it was when it has a scheme.
    private static func absolute(_ escaped: String, _ base: URL) -> String {
        let value = escaped.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#x27;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        guard !hasScheme(value), let resolved = URL(string: value, relativeTo: base)?.absoluteString else { return escaped }
        return resolved.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The site path of a release's page (`components/api/v1.2.0/`), for links in mail.
    public static func releasePath(_ release: Release) -> String { SitePaths.release(release) }
}
