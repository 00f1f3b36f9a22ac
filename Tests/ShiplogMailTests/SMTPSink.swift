import Foundation
import ShiplogMail

/// A real SMTP server on loopback (`smtp_sink.py`, on aiosmtpd) in its own temporary directory,
/// stopped and removed when the value goes away.
///
/// Starting fails (and so fails the test) with the sink's own message when it cannot run, for
/// example when aiosmtpd is not installed.
final class SMTPSink {
    /// Options of `smtp_sink.py`.
    struct Options {
        var starttls = false
        var implicitTLS = false
        var auth: (user: String, password: String)?
        var mechanisms: [String]?
        var reject: [String] = []
        var tempfail: [String] = []
        var noEHLO = false
        var silent = false
        var size: Int?
        var port: Int?

        var arguments: [String] {
            var arguments: [String] = []
            if starttls { arguments.append("--starttls") }
            if implicitTLS { arguments.append("--tls") }
            if let auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
            if let mechanisms { arguments += ["--mechanisms", mechanisms.joined(separator: ",")] }
            for address in reject { arguments += ["--reject", address] }
            for address in tempfail { arguments += ["--tempfail", address] }
            if noEHLO { arguments.append("--no-ehlo") }
            if silent { arguments.append("--silent") }
            if let size { arguments += ["--size", "\(size)"] }
            if let port { arguments += ["--port", "\(port)"] }
            return arguments
        }
    }

    /// Why the sink did not start.
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// A message the sink accepted: the bytes after DATA and the envelope.
    struct Received {
        struct Envelope: Decodable {
            var mailFrom: String
            var rcptTos: [String]
            var tls: Bool
            var mechanism: String?
            var login: String?
            var data: String?
        }

        var data: [UInt8]
        var envelope: Envelope
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    let directory: URL
    let port: Int
    private let process: Process

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_sink.py").path

    /// Starts a sink in a new temporary directory and waits until it listens.
    init(_ options: Options = Options()) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiplog-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            (process, port) = try await Self.launch(options, in: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        self.directory = directory
    }

    private static func launch(_ options: Options, in directory: URL) async throws -> (Process, Int) {
        let ready = directory.appendingPathComponent("ready")
        let logURL = directory.appendingPathComponent("sink.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--dir", directory.path] + options.arguments
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw StartError(description: "the SMTP sink could not start python3: \(error)")
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: ready.path) {
            let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if !process.isRunning {
                throw StartError(description: "the SMTP sink (Tests/ShiplogMailTests/smtp_sink.py) exited at start: \(output)")
            }
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw StartError(description: "the SMTP sink did not start within 20 s: \(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (process, Int(try String(contentsOf: ready, encoding: .utf8)) ?? 0)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the server (the directory stays until the value goes away).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(3)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A configuration for this sink, from `smtp://127.0.0.1:PORT` plus `query` (without `?`).
    func configuration(
        scheme: String = "smtp",
        credentials: String? = nil,
        host: String = "127.0.0.1",
        query: String = ""
    ) throws
        -> SMTPConfiguration
    {
        let userinfo = credentials.map { "\($0)@" } ?? ""
        return try SMTPConfiguration(url: "\(scheme)://\(userinfo)\(host):\(port)" + (query.isEmpty ? "" : "?" + query))
    }

    /// The certificate the sink made for TLS, usable as a CA file.
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }

    /// An AUTH the sink saw: the mechanism, the user name, and whether the connection was encrypted.
    struct AuthAttempt: Decodable {
        var mechanism: String
        var login: String
        var tls: Bool
    }

    /// Every AUTH the sink saw so far, in order.
    func authAttempts() throws -> [AuthAttempt] {
        let log = directory.appendingPathComponent("auth.jsonl")
        guard FileManager.default.fileExists(atPath: log.path) else { return [] }
        return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(AuthAttempt.self, from: Data($0.utf8))
        }
    }

    /// The messages accepted so far, in order.
    func received() throws -> [Received] {
        let log = directory.appendingPathComponent("messages.jsonl")
        guard FileManager.default.fileExists(atPath: log.path) else { return [] }
        return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { line in
            let envelope = try JSONDecoder().decode(Received.Envelope.self, from: Data(line.utf8))
            return Received(data: [UInt8](Data(base64Encoded: envelope.data ?? "") ?? Data()), envelope: envelope)
        }
    }
}
