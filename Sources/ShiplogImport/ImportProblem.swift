import ShiplogMacroSupport
public import ShiplogModel

/// One problem with an import's input, placed where its author can find it.
///
/// Printed as `CHANGELOG.md:12: release 1.2.0 has no date …`, `releases.json: [3].tag_name: …`
/// or `repo: tag v1.2.0: …`.
@MemberwiseInit
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible {
    /// Where: `FILE:LINE`, `FILE: [3].tag_name` or `DIR: tag v1.2.0`.
    public var location: String
    /// What is wrong, and how to fix it.
    public var message: String

    /// A problem `shiplog check` finds in what an importer made: a fault of the importer, placed as
    /// `check` places it (`FILE: JSON.PATH: message`, SPEC §1).
    init(fault problem: DataProblem) {
        self.init(location: problem.place, message: problem.explanation + " (an importer fault)")
    }

    public var description: String { "\(location): \(message)" }
}

/// An import failed: every problem at once, and the warnings found on the way.
@MemberwiseInit
public struct ImportError: Error, Sendable, CustomStringConvertible {
    /// What stopped the import.
    public var problems: [ImportProblem]
    /// What did not, but should be looked at.
    public var warnings: [ImportProblem] = []

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// What an import made: the data of one component, and warnings.
@MemberwiseInit
public struct ImportResult: Sendable {
    /// A whole data file (SPEC §1): the page, the component, its releases.
    public var data: ReleaseData
    /// What the importer noticed but did not refuse.
    public var warnings: [ImportProblem] = []

    /// The data as a JSON data file, checked to load as `shiplog check` loads it.
    ///
    /// Throws when it would not pass the check: a fault of the importer, reported rather than written.
    public func json() throws(ImportError) -> String {
        let text = JSONWriter.write(DataEncoder.document(data)) + "\n"
        do {
            _ = try DataLoader.load([DataSource(name: "converted data", bytes: Array(text.utf8))])
        } catch {
            throw ImportError(
                problems: error.problems.map(ImportProblem.init(fault:)),
                warnings: warnings
            )
        }
        return text
    }
}

/// The page and component that imported releases belong to.
public struct ImportTarget: Sendable {
    /// The page of the data file.
    public var page: Page
    /// The one component.
    public var component: Component

    /// The component's slug, its `repo` and `url` (`https://github.com/OWNER/NAME` when only the
    /// repo is given), and a page named after it unless `pageID`/`pageTitle` say otherwise.
    /// Returns the problems of the given values instead when there are any.
    public static func make(
        component slug: String,
        repo: String? = nil,
        url: String? = nil,
        pageID: String? = nil,
        pageTitle: String? = nil
    ) -> Result<ImportTarget, ImportError> {
        var problems: [ImportProblem] = []
        if let problem = Rules.slugProblem(slug) { problems.append(ImportProblem(location: "--component", message: problem)) }
        if let repo, !isRepository(repo) {
            problems.append(ImportProblem(location: "--repo", message: "\(JSONWriter.quoted(repo)) is not OWNER/NAME"))
        }
        // Relative links are made absolute by appending `/blob/HEAD/…` to the URL: after a query or
        // fragment that would point every link at the repository's own page.
        if let url, let problem = Rules.baseURLProblem(url, appended: "relative links") {
            problems.append(ImportProblem(location: "--url", message: problem))
        }
        let id = pageID ?? slug
        if let pageID, let problem = Rules.slugProblem(pageID) { problems.append(ImportProblem(location: "--page", message: problem)) }
        let name = repo.map { String($0.split(separator: "/").last ?? Substring(slug)) } ?? slug
        let title = pageTitle ?? "\(name) releases"
        if let problem = title.isEmpty ? "must not be empty" : Rules.nameProblem(title) {
            problems.append(ImportProblem(location: "--title", message: problem))
        }
        guard problems.isEmpty else { return .failure(ImportError(problems: problems)) }
        let componentURL = url.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? repo.map { "https://github.com/\($0)" }
        return .success(
            ImportTarget(
                page: Page(id: id, title: title),
                component: Component(slug: slug, name: repo == nil ? nil : name, repo: repo, url: componentURL)
            )
        )
    }

    /// `OWNER/NAME` with GitHub's characters.
    static func isRepository(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { part in
                !part.isEmpty && part != "." && part != ".."
                    && part.unicodeScalars.allSatisfy {
                        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
                    }
            }
    }
}
