/// Data that is valid but probably not what its author meant (SPEC §10), for `shiplog check`:
/// dates that contradict version order, mixed `v` prefixes, versions that compare equal, and
/// pre-release numbers that sort differently as text and as numbers.
///
/// ```swift
/// VersionWarnings.check(data)  // ["api: 1.0.0-rc9 and 1.0.0-rc10 …"]
/// ```
public enum VersionWarnings {
    /// One line per finding, each starting with the component's slug.
    public static func check(_ data: ReleaseData) -> [String] {
        var byComponent: [String: [Release]] = [:]
        for release in data.releases where release.version.isNumeric { byComponent[release.component, default: []].append(release) }
        var warnings: [String] = []
        for component in data.components {
            guard let releases = byComponent[component.slug], releases.count > 1 else { continue }
            let sorted = releases.sorted { a, b in
                let order = a.version.compare(b.version)
                return order != 0 ? order < 0 : a.version.text < b.version.text
            }
            warnings += prefixes(component.slug, releases)
            warnings += equal(component.slug, sorted)
            warnings += textOrder(component.slug, sorted)
            warnings += dates(component.slug, sorted)
        }
        return warnings
    }

    /// Some versions start with `v`, others do not.
    static func prefixes(_ slug: String, _ releases: [Release]) -> [String] {
        let prefixed = releases.filter { $0.version.text.first == "v" || $0.version.text.first == "V" }
        guard !prefixed.isEmpty, prefixed.count < releases.count else { return [] }
        let plain = releases.first { !($0.version.text.first == "v" || $0.version.text.first == "V") }!
        return [
            "\(slug): mixed version prefixes: \(prefixed.count) of \(releases.count) versions start with \"v\" (\(prefixed[0].version.text)), the others do not (\(plain.version.text)); write them one way"
        ]
    }

    /// Two versions with different text and the same place in the order (`v1.2` and `1.2.0`).
    static func equal(_ slug: String, _ sorted: [Release]) -> [String] {
        zip(sorted, sorted.dropFirst()).compactMap { a, b in
            a.version.compare(b.version) == 0
                ? "\(slug): \(a.version.text) and \(b.version.text) are the same version in shiplog's order (SPEC §2); keep one, or tell them apart"
                : nil
        }
    }

    /// `rc9` and `rc10` of one version: shiplog orders them as numbers, SemVer tools as text.
    static func textOrder(_ slug: String, _ sorted: [Release]) -> [String] {
        var warnings: [String] = []
        var seen: Set<String> = []
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            guard let x = a.version.prerelease.first, let y = b.version.prerelease.first,
                case .lettered(let letters, let m?) = x, case .lettered(let other, let n?) = y, letters == other,
                m.digits.count != n.digits.count, a.version.numbers.map({ $0.map(\.description) }) == b.version.numbers.map({ $0.map(\.description) })
            else { continue }
            let key = (a.version.numbers ?? []).map(\.description).joined(separator: ".") + "-" + String(letters)
            guard seen.insert(key).inserted else { continue }
            warnings.append(
                "\(slug): \(a.version.text) and \(b.version.text) order by number here (\(x) before \(y)) but as text in SemVer tools (\(y) before \(x)); write \(letters).\(m) and \(letters).\(n)"
            )
        }
        return warnings
    }

    /// A release dated before one that orders below it, where releases come out in order: within a
    /// line (`1.2.x`), among the minor releases of a major (`1.x`), and the first release of a major
    /// after the first of each lower one. A patch of an older line (a backport) and any release of
    /// an older major (a maintenance line, as Node.js's or Django's LTS releases) may come later.
    /// Below 1.0.0 each minor counts as a major, as SemVer has it.
    static func dates(_ slug: String, _ sorted: [Release]) -> [String] {
        var warnings: [String] = []
        var line = ""
        var major = ""
        // The latest-dated release of this line, and of this major but its patches; the first-dated
        // release of this major, and the latest-dated of the first releases of the lower majors.
        var latestInLine: Release? = nil
        var latestInMajor: Release? = nil
        var firstOfMajor: Release? = nil
        var startOfLowerMajors: Release? = nil
        for release in sorted where release.status != .draft {
            guard let date = release.publishedAt, let (releaseMajor, minor, patch) = release.version.majorMinorPatch else { continue }
            let majorKey = releaseMajor.description == "0" ? "0.\(minor)" : releaseMajor.description
            if majorKey != major {
                if let first = firstOfMajor, Self.dated(first, after: startOfLowerMajors) { startOfLowerMajors = first }
                (major, latestInMajor, firstOfMajor) = (majorKey, nil, nil)
            }
            let lineKey = "\(releaseMajor).\(minor)"
            if lineKey != line { (line, latestInLine) = (lineKey, nil) }
            let candidates = [latestInLine, latestInMajor, startOfLowerMajors].compactMap { $0 }
            if let earlier = candidates.filter({ ($0.publishedAt ?? date) > date && $0.version.compare(release.version) != 0 }).max(by: {
                $0.publishedAt! < $1.publishedAt!
            }) {
                warnings.append(
                    "\(slug): \(release.version.text) is dated \(date.rfc3339), before \(earlier.version.text) (\(earlier.publishedAt!.rfc3339)), which orders below it; is a date wrong?"
                )
            }
            if Self.dated(release, after: latestInLine) { latestInLine = release }
            let isPatch = patch.description != "0" && !release.version.hasPrereleasePart
            if !isPatch, Self.dated(release, after: latestInMajor) { latestInMajor = release }
            if firstOfMajor.map({ date < ($0.publishedAt ?? date) }) ?? true { firstOfMajor = release }
        }
        return warnings
    }

    /// Whether `release` is dated after `other` (or there is no other).
    private static func dated(_ release: Release, after other: Release?) -> Bool {
        guard let other, let theirs = other.publishedAt, let ours = release.publishedAt else { return true }
        return ours > theirs
    }
}
