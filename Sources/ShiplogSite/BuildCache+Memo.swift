import ShiplogModel

extension ReleaseMemo {
    /// The memo file that belongs to an output directory (`.<name>.shiplog-releases`, beside it).
    static func path(forOutput output: String) -> String {
        FileSystem.sibling(of: output, suffix: ".shiplog-releases")
    }

    /// The memo the last build of `output` saved, if it is readable and of this version of shiplog.
    static func load(forOutput output: String) -> ReleaseMemo? {
        (try? FileSystem.read(path(forOutput: output))).flatMap(ReleaseMemo.init(decoding:))
    }

    /// Brings the memo of `output` up to date for the next build: replaced atomically, or appended
    /// to (a torn append leaves a memo that is ignored as a whole).
    static func update(_ update: Update, forOutput output: String) throws(SiteError) {
        switch update {
        case .unchanged: break
        case .append(let additions): try FileSystem.append(additions.encoded(withHeader: false), to: path(forOutput: output))
        case .replace(let memo): try FileSystem.replace(path(forOutput: output), with: memo.encoded())
        }
    }
}
