import Foundation
import Testing

/// A binary installed outside the checkout finds its theme beside itself, whatever the current
/// directory, else uses the theme built into it; it never falls back to the checkout it was built from.
@Suite struct InstalledBinaryTests {
    /// Copies the binary to `PREFIX/bin/shiplog`; with `theme`, also the default theme to
    /// `PREFIX/share/shiplog/templates`, its layout marked so that its use shows in the output.
    private func install(in tmp: URL, theme: Bool) throws -> URL {
        let prefix = tmp.appendingPathComponent("prefix")
        let bin = prefix.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: shiplogBinary, to: bin.appendingPathComponent("shiplog"))
        if theme {
            let share = prefix.appendingPathComponent("share/shiplog")
            try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
            let templates = share.appendingPathComponent("templates")
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("templates"), to: templates)
            let layout = templates.appendingPathComponent("layout.mustache")
            let marked = try String(contentsOf: layout, encoding: .utf8).replacingOccurrences(of: "</body>", with: "<!-- installed theme --></body>")
            try marked.write(to: layout, atomically: true, encoding: .utf8)
        }
        return bin
    }

    /// Runs `shiplog ARGS…` found through PATH (so argv[0] is the bare name) in `cwd`, without SHIPLOG_TEMPLATES.
    private func runFromPath(_ args: [String], bin: URL, cwd: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":/usr/bin:/bin"
        environment["SHIPLOG_TEMPLATES"] = nil
        process.environment = environment
        process.arguments = ["shiplog"] + args
        process.currentDirectoryURL = cwd
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func anInstalledBinaryUsesTheThemeBesideIt() throws {
        try withTemporaryDirectory { tmp in
            let bin = try install(in: tmp, theme: true)
            let work = tmp.appendingPathComponent("work/deeper")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: exampleData, to: work.appendingPathComponent("data.json"))
            #expect(try runFromPath(["build", "--data", "data.json", "--out", "site"], bin: bin, cwd: work) == 0)
            let index = try String(contentsOf: work.appendingPathComponent("site/index.html"), encoding: .utf8)
            #expect(index.contains("<!-- installed theme -->"), "the build used another theme than share/shiplog/templates")
        }
    }

    @Test func aCopiedBinaryUsesItsBuiltInThemeNotTheCheckouts() throws {
        try withTemporaryDirectory { tmp in
            let bin = try install(in: tmp, theme: false)
            try FileManager.default.copyItem(at: exampleData, to: tmp.appendingPathComponent("data.json"))
            #expect(try runFromPath(["build", "--data", "data.json", "--out", "site"], bin: bin, cwd: tmp) == 0)
            let built = try String(contentsOf: tmp.appendingPathComponent("site/assets/style.css"), encoding: .utf8)
            #expect(built == (try String(contentsOf: packageRoot.appendingPathComponent("templates/assets/style.css"), encoding: .utf8)))
        }
    }
}
