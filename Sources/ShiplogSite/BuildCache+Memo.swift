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

    /// Saves the memo for the next build of `output`, atomically.
    func save(forOutput output: String) throws(SiteError) {
        try FileSystem.replace(Self.path(forOutput: output), with: encoded())
    }
}
