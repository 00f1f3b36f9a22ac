/// Where `#123` and `@name` in notes link to.
///
/// Built from a component's repository URL; anything that is not a plain
/// GitHub or GitLab project URL gives `nil`, and notes then render without autolinks.
///
/// ```swift
/// let links = RepositoryLinks(repositoryURL: "https://github.com/acme/api.git")
/// links?.repositoryURL        // "https://github.com/acme/api"
/// links?.issueURL("42")       // "https://github.com/acme/api/issues/42"
/// links?.profileURL("octocat") // "https://github.com/octocat"
/// ```
public struct RepositoryLinks: Sendable, Hashable {
    /// The code host, which decides URL shapes and which user names are valid.
    public enum Host: String, Sendable {
        /// github.com: issues at `<repo>/issues/N`, user names without `_` or `.`.
        case github
        /// gitlab.com: issues at `<repo>/-/issues/N`, user names may hold `_`, `.` and `-`, projects may sit in subgroups.
        case gitlab
    }

    /// The code host of the repository.
    public let host: Host
    /// The normalized repository URL, e.g. `https://github.com/acme/api`: lowercase scheme and host, no trailing slash, no `.git`.
    public let repositoryURL: String

    /// Parses a repository URL.
    ///
    /// Returns `nil` unless `url` is an `https` or `http` URL on github.com or gitlab.com
    /// with an owner/repo path (GitLab also allows subgroups: owner/group/repo).
    /// A trailing slash and a `.git` suffix are dropped; a query, a fragment, a port or user info give `nil`.
    public init?(repositoryURL url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }

        let rest = url[separator.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let authority = rest[..<slash].lowercased()
        let host: Host
        switch authority {
        case "github.com": host = .github
        case "gitlab.com": host = .gitlab
        default: return nil
        }

        var path = rest[rest.index(after: slash)...]
        while path.last == "/" { path = path.dropLast() }
        if path.hasSuffix(".git") { path = path.dropLast(4) }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.allSatisfy(Self.isValidPathSegment) else { return nil }
        switch host {
        case .github: guard segments.count == 2 else { return nil }
        case .gitlab: guard segments.count >= 2 else { return nil }
        }

        self.host = host
        self.repositoryURL = "\(scheme)://\(authority)/" + segments.joined(separator: "/")
    }

    /// The URL of issue or merge/pull request `number` (digits, without `#`).
    ///
    /// GitHub: `<repo>/issues/N` (GitHub redirects to the pull request when N is one);
    /// GitLab: `<repo>/-/issues/N`.
    public func issueURL(_ number: String) -> String {
        switch host {
        case .github: "\(repositoryURL)/issues/\(number)"
        case .gitlab: "\(repositoryURL)/-/issues/\(number)"
        }
    }

    /// The profile URL of `user` (without `@`): `https://github.com/USER` or `https://gitlab.com/USER`.
    public func profileURL(_ user: String) -> String {
        switch host {
        case .github: "https://github.com/\(user)"
        case .gitlab: "https://gitlab.com/\(user)"
        }
    }

    /// The profile URL of a release's `author` when it is a user name of the host (an `@` before it
    /// allowed; GitHub's `name[bot]` is the app's page), else nil: a display name such as
    /// `Jane Doe` is no account, and must not become a link to a page that does not exist.
    public func profileURL(author: String) -> String? {
        var name = Substring(author)
        if name.first == "@" { name = name.dropFirst() }
        var app = false
        if host == .github, name.hasSuffix("[bot]") {
            name = name.dropLast(5)
            app = true
        }
        let bytes = Array(name.utf8)
        let end = bytes.withUnsafeBufferPointer { ReferenceScanner(host: host).userNameEnd(in: $0, from: 0) }
        guard !bytes.isEmpty, end == bytes.count else { return nil }
        return app ? "https://github.com/apps/\(name)" : profileURL(String(name))
    }

    /// A path segment names an owner, group or project: ASCII letters, digits, `_`, `.` and `-`,
    /// not starting with `-` and not `.` or `..`.
    private static func isValidPathSegment(_ segment: Substring) -> Bool {
        guard let first = segment.utf8.first, first != UInt8(ascii: "-"), segment != ".", segment != ".." else { return false }
        return segment.utf8.allSatisfy { byte in
            ASCII.isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
    }
}
