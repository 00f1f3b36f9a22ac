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
            guard let source = DataSource(contentsOfFile: path) else { throw Console.unreadable(path) }
            sources.append(source)
        }
        do {
            let loaded = try DataLoader.load(sources, memo: memo)
            for warning in loaded.warnings { Console.error("warning: \(warning)") }
            return loaded
        } catch {
            throw Console.refused(warnings: error.warnings, problems: error.problems)
        }
    }
}

/// Writes to the standard streams.
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `line` and a newline to standard output.
    static func output(_ line: String) throws(ExitCode) {
        try write(Data((line + "\n").utf8))
    }

    /// Writes `data` to standard output. A write that fails (a full disk, a closed descriptor) is
    /// said on stderr and is an I/O error (74), not a crash.
    static func write(_ data: Data) throws(ExitCode) {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch let failure {
            error("cannot write to standard output: \(failure.localizedDescription)")
            throw ExitStatus.io
        }
    }

    /// All of standard input, as UTF-8 text (a file named `-`).
    static func input() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Says that the file at `path` cannot be read, and why; the exit status to throw (74).
    static func unreadable(_ path: String) -> ExitCode {
        error("\(path): cannot read the file (\(FileManager.default.fileExists(atPath: path) ? "permission denied or a directory" : "no such file"))")
        return ExitStatus.io
    }

    /// Prints the warnings and problems of data that is refused; the exit status to throw (65).
    static func refused(warnings: [some Any], problems: [some CustomStringConvertible]) -> ExitCode {
        for warning in warnings { error("warning: \(warning)") }
        for problem in problems { error(problem.description) }
        error("\(problems.count) problem\(problems.count == 1 ? "" : "s") found; nothing was written.")
        return ExitStatus.badData
    }
}

extension Timestamp {
    /// The current time, to the second.
    static func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}
