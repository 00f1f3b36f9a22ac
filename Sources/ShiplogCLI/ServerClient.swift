import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ShiplogModel

/// The options of the commands that talk to a running `shiplog serve` (`release`, `deploy`).
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The shiplog server (default: $SHIPLOG_SERVER), e.g. https://releases.acme.example.", valueName: "url"))
    var server: String?

    // Options a command cannot do without are still optional here and checked in `validate()`: when
    // decoding fails, ArgumentParser looks for a built-in `--version` among the arguments, and
    // `--version V` of these commands would then print shiplog's version and exit 0.
    @Option(name: .long, help: ArgumentHelp("The page (required).", valueName: "id"))
    var page: String?

    @Option(name: .long, help: ArgumentHelp("An API key of the page with the write scope (default: $SHIPLOG_KEY).", valueName: "key"))
    var key: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Retries after a 5xx or 429 answer or a network error, waiting 1 s, 2 s, 4 s … (at most 16 s) between; a POST is sent again with its Idempotency-Key, so it never acts twice.",
            valueName: "n"
        )
    )
    var retries = LenientInt(5)

    @Option(name: .long, help: ArgumentHelp("Seconds each request may take.", valueName: "seconds"))
    var timeout = LenientInt(30)

    /// The checks of `validate()`, called from the command's own: an option group's `validate()` runs
    /// while ArgumentParser decodes, where a failure would fall back to the built-in `--version`.
    func check() throws {
        guard let retries = retries.value, (0...100).contains(retries) else { throw ValidationError("--retries must be from 0 to 100") }
        guard let timeout = timeout.value, timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        if let server, !Self.isHTTP(server) { throw ValidationError("--server must be an http:// or https:// URL") }
        if let server, let problem = Rules.baseURLProblem(server, appended: Self.appended) { throw ValidationError("--server: \(problem)") }
        guard let page else { throw ValidationError("Missing expected argument '--page <id>'") }
        if Rules.slugProblem(page) != nil { throw ValidationError("--page must be a page id such as acme") }
    }

    /// What the client appends to the server's address, for the base URL rule's message.
    static let appended = "the API's paths"

    static func isHTTP(_ url: String) -> Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// The client, with the server and key from the options or the environment; a missing one exits 64.
    func client() throws -> ServerClient {
        let environment = ProcessInfo.processInfo.environment
        guard let server = server ?? environment["SHIPLOG_SERVER"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            Console.error("shiplog: give the server with --server URL or SHIPLOG_SERVER")
            throw ExitStatus.usage
        }
        guard Self.isHTTP(server) else {
            Console.error("shiplog: SHIPLOG_SERVER must be an http:// or https:// URL")
            throw ExitStatus.usage
        }
        // The API's paths are appended to it: a query, a fragment or a port out of range would
        // send every request somewhere else ("no such route") instead of naming the mistake.
        if let problem = Rules.baseURLProblem(server, appended: Self.appended) {
            Console.error("shiplog: SHIPLOG_SERVER: \(problem)")
            throw ExitStatus.usage
        }
        guard let key = key ?? environment["SHIPLOG_KEY"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            Console.error("shiplog: give an API key with --key KEY or SHIPLOG_KEY")
            throw ExitStatus.usage
        }
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        return ServerClient(
            base: base + "/api/v1/pages/\(ServerClient.segment(page ?? ""))",
            key: key,
            retries: retries.value ?? 5,
            timeout: .seconds(Int64(timeout.value ?? 30))
        )
    }
}

/// A whole number option whose parsing never fails (`value` is nil for a bad one), so the command's
/// `validate()` reports it rather than ArgumentParser's decoder (see ``ServerOptions``).
struct LenientInt: ExpressibleByArgument, Sendable {
    var value: Int?

    init(_ value: Int) { self.value = value }

    init?(argument: String) { value = Int(argument) }

    var defaultValueDescription: String { value.map(String.init) ?? "" }
}

/// Checks that a required option of a client command was given.
func required(_ value: String?, _ name: String) throws -> String {
    guard let value, !value.isEmpty else { throw ValidationError("Missing expected argument '--\(name)'") }
    return value
}

/// What the server answered: the status and the JSON body (null when there was none).
struct ServerAnswer: Sendable {
    var status: Int
    var body: JSONValue
    var retryAfter: Int?

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// A small client of the native API with retries: 5xx, 429 (after its `Retry-After`) and network
/// errors are tried again with backoff; other answers are returned as they are. Never prints the key.
struct ServerClient: Sendable {
    /// `https://host/api/v1/pages/PAGE`.
    let base: String
    let key: String
    let retries: Int
    let timeout: TimeAmount
    /// Waits between attempts: the delay before retry `n` (from 0) is `1 << n` seconds, at most this.
    var maximumDelay = 16

    /// A path segment, percent-encoded (`1.0.0+build` stays readable; `/` never passes).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#", "%"])) ?? text
    }

    /// Sends one request (retrying as above); throws ``ClientFailure`` when the server could not be reached at all.
    func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> ServerAnswer {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.configuration(timeout))
        do {
            let answer = try await send(method, path, body, with: client)
            try await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func configuration(_ timeout: TimeAmount) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: timeout)
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        // Our own retries (counted and reported) handle a server that is not up yet.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    private func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue?, with client: HTTPClient) async throws -> ServerAnswer {
        var attempt = 0
        // One key per logical POST, the same on every retry: when an attempt committed but its answer
        // was lost (a timeout, a 5xx on the way), the server answers the retry with the first answer
        // instead of recording the deployment twice (SPEC §6.1).
        let idempotencyKey = method == .POST ? UUID().uuidString.lowercased() : nil
        while true {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "shiplog-cli/0.1")
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: JSONWriter.write(body, pretty: false)))
            }
            let problem: String
            var wait = min(maximumDelay, 1 << min(attempt, 20))
            do {
                let response = try await client.execute(request, timeout: timeout)
                let bytes = try await response.body.collect(upTo: 8 << 20)
                let answer = ServerAnswer(
                    status: Int(response.status.code),
                    body: (try? JSONParser.parse(bytes.readableBytesView)) ?? .null,
                    retryAfter: response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                )
                guard answer.status >= 500 || answer.status == 429, attempt < retries else { return answer }
                if let after = answer.retryAfter { wait = min(max(after, 0), 120) }
                problem = "HTTP \(answer.status)" + (Self.message(answer).map { ": \($0)" } ?? "")
            } catch {
                guard attempt < retries else {
                    let tries = attempt == 0 ? "tried once" : "after \(attempt + 1) attempts"
                    throw ClientFailure(message: "cannot reach \(Self.origin(base)): \(Self.describe(error)) (\(tries))")
                }
                problem = Self.describe(error)
            }
            attempt += 1
            Console.error("shiplog: \(method.rawValue) \(path): \(problem); retry \(attempt) of \(retries) in \(wait) s")
            try await Task.sleep(for: .seconds(wait))
        }
    }

    /// The server's own message of an error answer, if it sent one.
    static func message(_ answer: ServerAnswer) -> String? {
        if case .string(let message)? = answer.body["message"] { return message }
        return nil
    }

    static func origin(_ url: String) -> String {
        guard let range = url.range(of: "://") else { return url }
        return String(url[..<range.upperBound]) + url[range.upperBound...].prefix { $0 != "/" }
    }

    /// A network error as a person reads it: `connection refused`, not NIO's `connection reset (error
    /// set): Connection refused (errno: 111)`.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .socksHandshakeTimeout, .tlsHandshakeTimeout: return "connection timed out"
            case .readTimeout, .deadlineExceeded: return "no answer in time (see --timeout)"
            case .remoteConnectionClosed: return "the server closed the connection before answering"
            default: return String(describing: error)
            }
        default:
            // Connection errors (NIO's happy-eyeballs error among them) wrap the system's: say that one.
            return nestedIOError(error, depth: 3).map(describe) ?? String(describing: error)
        }
    }

    private static func nestedIOError(_ value: Any, depth: Int) -> IOError? {
        guard depth > 0 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let error = child.value as? IOError { return error }
            if let found = nestedIOError(child.value, depth: depth - 1) { return found }
        }
        return nil
    }
}

/// The server could not be reached (after every retry).
struct ClientFailure: Error {
    var message: String
}

extension ServerAnswer {
    /// Prints the server's error (message and causes) on stderr and returns the exit status:
    /// 65 for a request the server found invalid (400, 422), 1 for anything else.
    func fail(_ what: String) -> ExitCode {
        var line = "shiplog: \(what) failed: HTTP \(status)"
        if case .string(let code)? = body["error"] { line += " \(code)" }
        Console.error(line + (ServerClient.message(self).map { ": \($0)" } ?? ""))
        if case .array(let causes)? = body["causes"] {
            for cause in causes {
                guard case .string(let field)? = cause["field"], case .string(let error)? = cause["error"] else { continue }
                Console.error("  \(field): \(error)")
            }
        }
        return status == 400 || status == 422 ? ExitStatus.badData : .failure
    }
}

/// Runs a client command body, turning an unreachable server into exit status 1.
func clientCall(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as ClientFailure {
        Console.error("shiplog: \(failure.message)")
        throw ExitCode.failure
    }
}

extension [JSONMember] {
    /// Appends `"key": "value"` when there is a value.
    mutating func append(_ key: String, _ value: String?) {
        if let value { append(JSONMember(key, .string(value))) }
    }
}
