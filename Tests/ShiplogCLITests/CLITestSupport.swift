import Foundation
import Testing

// Shared helpers of the end-to-end tests: they run the built `shiplog` executable on fixture
// data in a fresh temporary directory and look at the files it writes.

/// The package root: the first directory above this file that holds `Package.swift`.
let packageRoot: URL = {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory }
        directory = directory.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
}()

/// The `shiplog` executable under test: `$SHIPLOG_BIN`, else `<root>/.build/debug/shiplog`.
let shiplogBinary: URL = {
    if let path = ProcessInfo.processInfo.environment["SHIPLOG_BIN"], !path.isEmpty { return URL(fileURLWithPath: path) }
    return packageRoot.appendingPathComponent(".build/debug/shiplog")
}()

/// The example data of the repository (`site/data.json`).
let exampleData = packageRoot.appendingPathComponent("site/data.json")

/// What one run of the executable did.
typealias RunResult = (status: Int32, stdout: String, stderr: String)

/// Runs `shiplog ARGS…` in `cwd` and waits for it, with `input` (else nothing) on its stdin.
/// Input and output go through files kept outside `cwd`; `stdout`, when given, takes the standard
/// output instead (and `stdout` of the result is empty).
func run(_ args: [String], cwd: URL, input: String? = nil, stdout given: FileHandle? = nil) throws -> RunResult {
    try #require(
        FileManager.default.isExecutableFile(atPath: shiplogBinary.path),
        "no shiplog executable at \(shiplogBinary.path); run `swift build --build-tests` or set SHIPLOG_BIN"
    )
    let io = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-cli-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: io) }
    let outURL = io.appendingPathComponent("stdout")
    let errURL = io.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = shiplogBinary
    process.arguments = args
    process.currentDirectoryURL = cwd
    if let input {
        let inURL = io.appendingPathComponent("stdin")
        try input.write(to: inURL, atomically: true, encoding: .utf8)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    process.standardOutput = given ?? out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
    let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    return (process.terminationStatus, stdout, stderr)
}

/// Builds the example data into `site/` of a new temporary directory and runs `body` with both;
/// the directory is removed afterwards.
func withExampleSite<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: (_ tmp: URL, _ site: URL) throws -> T) throws -> T {
    try withExampleData { tmp in
        try requireBuild(cwd: tmp, sourceLocation: sourceLocation)
        return try body(tmp, tmp.appendingPathComponent("site"))
    }
}

/// Runs `body` in a fresh temporary directory that holds the example data as `data.json`.
func withExampleData<T>(_ body: (URL) throws -> T) throws -> T {
    try withTemporaryDirectory { tmp in
        try copyExampleData(to: tmp)
        return try body(tmp)
    }
}

/// Runs `shiplog build --data DATA --out OUT EXTRA…` in `cwd`.
func build(data: String = "data.json", out: String = "site", _ extra: [String] = [], cwd: URL) throws -> RunResult {
    try run(["build", "--data", data, "--out", out] + extra, cwd: cwd)
}

/// Runs `shiplog build …` like `build` and requires it to succeed.
@discardableResult
func requireBuild(
    data: String = "data.json",
    out: String = "site",
    _ extra: [String] = [],
    cwd: URL,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> RunResult {
    let result = try build(data: data, out: out, extra, cwd: cwd)
    try #require(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    return result
}

/// Writes `fixture` as `data.json` in `tmp`, requires `shiplog build` to succeed and returns the site (`tmp/site`).
func buildSite(_ fixture: DataFixture, in tmp: URL, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
    try fixture.write(to: tmp.appendingPathComponent("data.json"))
    try requireBuild(extra, cwd: tmp, sourceLocation: sourceLocation)
    return tmp.appendingPathComponent("site")
}

/// Runs `body` in a fresh, empty directory that is removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let tmp = try makeTemporaryDirectory()
    defer { removeTemporaryDirectory(tmp) }
    return try body(tmp)
}

/// A fresh, empty directory; remove it with `removeTemporaryDirectory` (or use `withTemporaryDirectory`).
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-cli-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
}

func removeTemporaryDirectory(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

/// Copies `site/data.json` into `directory` as `name`.
@discardableResult
func copyExampleData(to directory: URL, as name: String = "data.json") throws -> URL {
    let target = directory.appendingPathComponent(name)
    try FileManager.default.copyItem(at: exampleData, to: target)
    return target
}

/// The example data as a JSON object.
func exampleObject() throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: exampleData)) as? [String: Any])
}

/// Writes the example data to `url` and returns it as a JSON object, to change and write again.
func writeExampleObject(to url: URL) throws -> [String: Any] {
    let object = try exampleObject()
    try writeJSON(object, to: url)
    return object
}

// MARK: - Reading what was written

func fileExists(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
}

func directoryExists(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
}

func readText(_ url: URL) throws -> String {
    String(decoding: try Data(contentsOf: url), as: UTF8.self)
}

func readJSONObject(_ url: URL) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(url.path) is not a JSON object")
}

func modificationDate(_ url: URL) throws -> Date {
    try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
}

/// The `url` of every item of a JSON Feed, in order.
func feedItemURLs(_ url: URL) throws -> [String] {
    let items = try #require(try readJSONObject(url)["items"] as? [[String: Any]], "\(url.path) has no items")
    return items.compactMap { $0["url"] as? String }
}

/// Relative paths of every regular file under `root` (hidden ones too), sorted.
func regularFiles(under root: URL) throws -> [String] {
    try FileSnapshot(of: root).entries.filter { !$0.value.isDirectory }.keys.sorted()
}

/// Files missing from either tree or whose bytes differ, sorted.
func differingFiles(_ a: URL, _ b: URL) throws -> [String] {
    let (left, right) = (try regularFiles(under: a), try regularFiles(under: b))
    return try Set(left).union(right).filter { path in
        let (x, y) = (a.appendingPathComponent(path), b.appendingPathComponent(path))
        return try !fileExists(x) || !fileExists(y) || Data(contentsOf: x) != Data(contentsOf: y)
    }.sorted()
}

/// Every file and directory under a root: kind, modification time and bytes.
struct FileSnapshot: Equatable {
    struct Entry: Equatable {
        var isDirectory: Bool
        var modified: Date
        var contents: Data?
    }

    var entries: [String: Entry] = [:]

    init(of root: URL) throws {
        let manager = FileManager.default
        for relative in try manager.subpathsOfDirectory(atPath: root.path) {
            let path = root.appendingPathComponent(relative).path
            let attributes = try manager.attributesOfItem(atPath: path)
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            entries[relative] = Entry(
                isDirectory: isDirectory,
                modified: modified,
                contents: isDirectory ? nil : try Data(contentsOf: URL(fileURLWithPath: path))
            )
        }
    }

    /// The paths that were added, removed or changed (bytes or mtime) since `before`.
    func changes(since before: FileSnapshot) -> [String] {
        Set(entries.keys).union(before.entries.keys).filter { entries[$0] != before.entries[$0] }.sorted()
    }

    /// The paths whose bytes or modification time differ from `before` (files only, present in both).
    func touchedFiles(since before: FileSnapshot) -> [String] {
        entries.filter { path, entry in
            guard !entry.isDirectory, let old = before.entries[path] else { return false }
            return old != entry
        }.keys.sorted()
    }
}
