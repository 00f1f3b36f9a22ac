public import ShiplogModel

extension DataSource {
    /// Reads the data file at `path`, named as given; nil when it cannot be read.
    public init?(contentsOfFile path: String) {
        guard let bytes = try? FileSystem.read(path) else { return nil }
        self.init(name: path, bytes: bytes)
    }
}
