import Foundation
import ShiplogImport

/// Runs the `git` command line on one repository (a bare one too).
struct Git: Sendable {
    /// The repository's folder.
    let directory: String

    /// Output of `git -C DIR ARGS…`; the failure carries what git printed on stderr.
    func run(_ arguments: [String]) -> Result<String, GitFailure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(GitFailure(message: "cannot run git: \(error.localizedDescription)"))
        }
        // Read both pipes while git runs: a full pipe would stop it.
        let errorData = ErrorCollector(err.fileHandleForReading)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: errorData.wait(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            return .failure(GitFailure(message: message.isEmpty ? "git exited with status \(process.terminationStatus)" : message))
        }
        return .success(String(decoding: data, as: UTF8.self))
    }

    /// The path of `file` in the git work tree that holds it (`packages/cli/CHANGELOG.md`), found by
    /// the `.git` folder (or file, in a worktree) above it; nil outside one.
    static func pathInWorkTree(_ file: String) -> String? {
        var folder = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath()
        var parts: [String] = []
        while folder.path != "/" {
            parts.append(folder.lastPathComponent)
            folder = folder.deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".git").path) {
                return parts.reversed().joined(separator: "/")
            }
        }
        return nil
    }

    /// The repository's tags (those matching `glob` when given), or exit 74 with git's message.
    func tags(matching glob: String? = nil) throws -> [GitTag] {
        switch run(GitTag.forEachRefArguments(patterns: [glob.map { "refs/tags/" + $0 } ?? "refs/tags"])) {
        case .success(let output): return GitTag.parse(output)
        case .failure(let failure):
            Console.error("\(directory): git for-each-ref: \(failure.message)")
            throw ExitStatus.io
        }
    }

    /// The commits reachable from `to` and not from `from` (all of `to`'s history when nil), newest first.
    func commits(from: String?, to: String) -> Result<[GitCommit], GitFailure> {
        let range = from.map { "\($0)..\(to)" } ?? to
        return run(GitCommit.logArguments(range: range)).map(GitCommit.parse)
    }
}

/// Reads a pipe to its end on a thread of its own.
///
/// `@unchecked Sendable`: `data` is written once by the reading thread before `done` is signalled
/// and read only after `wait()` has seen that signal.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
