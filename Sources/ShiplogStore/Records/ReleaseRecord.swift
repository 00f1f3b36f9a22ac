import GRDB
import ShiplogModel

/// A row of `releases`.
struct ReleaseRecord: StoreRecord {
    static let databaseTableName = "releases"

    var seq: Int64?
    var pageId: String
    var component: String
    var version: String
    var title: String?
    var publishedAt: Int64?
    var author: String?
    var notes: String?
    var status: String
    var prerelease: Bool?
    var commitId: String?
    var tag: String?
    var url: String?
    var codeName: String?
    /// The assets as a JSON array (SPEC §1), or NULL for none.
    var assets: String?
    var id: String?
    var createdAt: Int64?
    var createdBy: String?
    var channel: String?
    var build: String?

    enum CodingKeys: String, CodingKey {
        case seq, component, version, title, author, notes, status, prerelease, tag, url, assets, id, channel, build
        case pageId = "page_id"
        case publishedAt = "published_at"
        case commitId = "commit_id"
        case codeName = "code_name"
        case createdAt = "created_at"
        case createdBy = "created_by"
    }
}

extension ReleaseRecord {
    /// The row of `release` on `page`; its id and creation are the ones given here.
    init(_ release: Release, page: String, id: String?, createdAt: Int64?, createdBy: String?) {
        self.init(
            pageId: page,
            component: release.component,
            version: release.version.text,
            title: release.title,
            publishedAt: release.publishedAt?.seconds,
            author: release.author,
            notes: release.notes,
            status: release.status.rawValue,
            prerelease: release.prereleaseFlag,
            commitId: release.commit,
            tag: release.tag,
            url: release.url,
            codeName: release.codeName,
            assets: release.assets.isEmpty ? nil : JSONWriter.write(.array(release.assets.map(DataEncoder.asset)), pretty: false),
            id: id,
            createdAt: createdAt,
            createdBy: createdBy,
            channel: release.channel,
            build: release.build
        )
    }

    var release: Release {
        Release(
            component: component,
            version: Version(version),
            title: title,
            publishedAt: publishedAt.map(Timestamp.init(seconds:)),
            author: author,
            notes: notes,
            status: Release.Status(rawValue: status) ?? .published,
            prereleaseFlag: prerelease,
            commit: commitId,
            tag: tag,
            url: url,
            codeName: codeName,
            assets: assets.map(Self.assets) ?? [],
            id: id,
            createdAt: createdAt.map(Timestamp.init(seconds:)),
            createdBy: createdBy,
            channel: channel,
            build: build
        )
    }

    static func assets(_ text: String) -> [Release.Asset] {
        guard case .array(let elements)? = try? JSONParser.parse(text) else { return [] }
        return elements.map { element in
            func string(_ key: String) -> String? {
                if case .string(let value)? = element[key] { return value }
                return nil
            }
            var size: Int?
            if case .number(let digits)? = element["size"] { size = Int(digits) }
            return Release.Asset(
                name: string("name"),
                url: string("url"),
                platform: string("platform"),
                signature: string("signature"),
                size: size,
                sha512: string("sha512"),
                sha256: string("sha256"),
                sha1: string("sha1"),
                minimumSystemVersion: string("minimum_system_version")
            )
        }
    }
}

/// A row read again with whether it is the newest of its page (``ChangedRow``).
struct NewestRecord<Record: FetchableRecord>: FetchableRecord {
    var record: Record
    var isNewest: Bool

    init(row: Row) throws {
        record = try Record(row: row)
        isNewest = row["newest"] == 1
    }
}
