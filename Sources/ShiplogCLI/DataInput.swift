import ArgumentParser
import Foundation
import ShiplogModel
import ShiplogSite

/// The `--data FILE…` option shared by the commands that read data files.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        parsing: .upToNextOption,
        help: ArgumentHelp("Data files (JSON, see docs/data-format.md); several merge.", valueName: "file")
    )
    var data: [String] = []

    /// Reads and validates every file (releases that `memo` knows only in summary); prints problems and warnings on stderr.
    func load(memo: ReleaseMemo? = nil) throws -> LoadedData {
        guard !data.isEmpty else { throw ValidationError("Give at least one --data FILE.") }
        return try Self.load(data, memo: memo)
    }

    /// Reads and validates the files at `paths`, as ``load(memo:)`` does.
    static func load(_ paths: [String], memo: ReleaseMemo? = nil) throws -> LoadedData {
        var sources: [DataSource] = []
        for path in paths {
            guard let source = DataSource(contentsOfFile: path) else {
                Console.error(
                    "\(path): cannot read the file (\(FileManager.default.fileExists(atPath: path) ? "permission denied or a directory" : "no such file"))"
                )
                throw ExitStatus.io
            }
            sources.append(source)
        }
        do {
            let loaded = try DataLoader.load(sources, memo: memo)
            for warning in loaded.warnings { Console.error("warning: \(warning)") }
            return loaded
        } catch {
            for warning in error.warnings { Console.error("warning: \(warning)") }
            for problem in error.problems { Console.error(problem.description) }
            Console.error("\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") found; nothing was written.")
            throw ExitStatus.badData
        }
    }
}

/// Writes to the standard streams.
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
