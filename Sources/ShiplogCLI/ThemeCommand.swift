import ArgumentParser
import Foundation
import ShiplogEmbedded

/// `shiplog theme export DIR`: the built-in theme as files, to start a custom one.
struct ThemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theme",
        abstract: "Work with the default theme built into shiplog.",
        subcommands: [ThemeExportCommand.self]
    )
}

struct ThemeExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the built-in default theme (templates, assets, mail and server pages) into a directory.",
        discussion: """
            Edit the copies you want to change and pass the directory to `build --templates DIR` or \
            `serve --templates DIR`; files you delete fall back to the built-in ones. DIR is created \
            if missing; a DIR that holds files is refused unless --force, which overwrites the theme's \
            files and leaves the others alone.
            """
    )

    @Argument(help: ArgumentHelp("The directory to write the theme into.", valueName: "dir"))
    var directory: String

    @Flag(name: .long, help: "Write into a directory that is not empty, overwriting the theme's files there.")
    var force = false

    func run() throws {
        let target = URL(fileURLWithPath: directory)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
        if !existing.isEmpty && !force {
            Console.error("\(directory): the directory is not empty; choose another or add --force to overwrite the theme's files in it")
            throw ExitStatus.io
        }
        let files = EmbeddedTheme.files
        for name in files.keys.sorted() {
            try StarterFiles.write(files[name]!, to: target.appendingPathComponent(name))
        }
        try Console.output("Wrote the default theme (\(files.count) files) into \(directory). Use it with: shiplog build --templates \(directory) …")
    }
}

/// Writing the files `theme export` and `init` create.
enum StarterFiles {
    /// Writes `bytes` to `url`, creating its folders; an error names the file.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        } catch {
            Console.error("\(url.path): cannot write the file (\(error.localizedDescription))")
            throw ExitStatus.io
        }
    }
}
