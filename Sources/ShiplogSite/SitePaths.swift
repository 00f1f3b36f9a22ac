import ShiplogModel

/// Where each page of a site lives, on disk and as a link (SPEC §4).
enum SitePaths {
    /// `components/<slug>/` (a link, relative to the site root).
    static func component(_ slug: String) -> String { "components/\(slug)/" }

    /// `components/<slug>/<version>/`, the version percent-encoded for use in links.
    static func release(_ release: Release) -> String { "components/\(release.component)/\(encode(release.version.text))/" }

    /// The file of the release page of `version` of `component` on disk (the version as is).
    static func releaseFile(component: String, version: String) -> String { "components/\(component)/\(version)/index.html" }

    /// `environments/<env>/<slug>/`, where an environment's badge of a component lives (SPEC §9).
    static func environmentBadge(_ environment: String, component: String) -> String { "environments/\(environment)/\(component)/" }

    /// `groups/<version>/`.
    static func group(_ version: Version) -> String { "groups/\(encode(version.text))/" }

    static func groupFile(_ version: Version) -> String { "groups/\(version.text)/index.html" }

    /// Percent-encodes everything but unreserved characters and a few that are safe in a path segment.
    static func encode(_ segment: String) -> String {
        // Versions rarely need it: then the segment is the answer as it is.
        guard !segment.utf8.allSatisfy(isSafe) else { return segment }
        var output = ""
        for byte in segment.utf8 {
            if isSafe(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }

    /// Whether a byte stands for itself in a path segment.
    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "@"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "*"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
            UInt8(ascii: ":"):
            true
        default: false
        }
    }

    /// `base` joined with a site-relative link; the link itself when there is no base URL.
    static func absolute(_ path: String, base: String?) -> String {
        guard let base else { return path }
        return (base.hasSuffix("/") ? base : base + "/") + path
    }

    /// How many `../` lead from a page's folder back to the root.
    static func root(forDepth depth: Int) -> String { String(repeating: "../", count: depth) }

    /// The path part of a base URL (`/releases/` for `https://acme.example/releases`), `/` without one.
    static func basePath(_ baseURL: String?) -> String {
        guard let baseURL, let scheme = baseURL.firstRange(of: "://") else { return "/" }
        let afterHost = baseURL[scheme.upperBound...].drop { $0 != "/" }
        let path = afterHost.prefix { $0 != "?" && $0 != "#" }
        guard !path.isEmpty else { return "/" }
        return path.hasSuffix("/") ? String(path) : path + "/"
    }
}
