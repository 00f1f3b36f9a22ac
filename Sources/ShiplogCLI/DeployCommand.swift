import ArgumentParser
import Foundation
import NIOHTTP1
import ShiplogModel

/// `shiplog deploy`: records a deployment event (or updates its status) on a shiplog server, for CI pipelines.
///
/// ```
/// shiplog deploy --server https://releases.acme.example --page acme --environment production \
///     --component api --version 1.4.0 --status in_progress
/// ```
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Record a deployment, or update its status, on a shiplog server (a CI pipeline step).",
        discussion: """
            Without --update, records a new deployment event with POST \
            /api/v1/pages/PAGE/environments/ENV/deployments; its start is now unless --started-at is \
            given, and a finished status (success, failure, canceled, error) also sets its end. With \
            --update, sets the status of the newest deployment of that component and version to ENV \
            (PATCH …/deployments), or records one when there is none: run it with --status in_progress \
            before the deploy step and with --status success or failure --update after. The environment \
            must exist (a typo fails with exit status 1); --create-environment creates it first when it \
            is missing (POST …/environments). The key needs the write scope; it comes from --key or SHIPLOG_KEY and is never printed. Exit statuses: \
            0 ok, 1 failed (the server's message is printed), 64 usage, 65 the server found the \
            deployment invalid (its causes are printed).
            """
    )

    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: ArgumentHelp("The environment, e.g. production (it must exist; required).", valueName: "name"))
    var environment: String?

    @Option(name: .long, help: ArgumentHelp("The component's slug (required).", valueName: "slug"))
    var component: String?

    @Option(name: .long, help: ArgumentHelp("The version deployed, a release of the component (required).", valueName: "version"))
    var version: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "pending, in_progress, success, failure, canceling, canceled, error or unknown (required).",
            valueName: "status"
        )
    )
    var status: String?

    @Option(name: .long, help: ArgumentHelp("The host deployed to.", valueName: "host"))
    var host: String?

    @Option(name: .long, help: ArgumentHelp("The commit deployed.", valueName: "sha"))
    var commit: String?

    @Option(name: .long, help: ArgumentHelp("Who or what deployed it.", valueName: "name"))
    var actor: String?

    @Option(name: .customLong("started-at"), help: ArgumentHelp("When it started, RFC 3339 or now (default: now).", valueName: "time"))
    var startedAt: String?

    @Option(name: .customLong("finished-at"), help: ArgumentHelp("When it finished, RFC 3339 or now.", valueName: "time"))
    var finishedAt: String?

    @Flag(name: .long, help: "Update the status of the newest matching deployment instead of recording a new one.")
    var update = false

    @Flag(name: .customLong("create-environment"), help: "Create the environment first when it does not exist.")
    var createEnvironment = false

    func validate() throws {
        try server.check()
        for (name, value) in [("environment", environment), ("component", component), ("version", version), ("status", status)] {
            _ = try required(value, name)
        }
        for (name, value) in [("--started-at", startedAt), ("--finished-at", finishedAt)] {
            if let value, value != "now", Timestamp(rfc3339: value) == nil {
                throw ValidationError("\(name) must be an RFC 3339 time such as 2026-05-01T12:00:00Z, or now")
            }
        }
        if update {
            let extra = [("--host", host), ("--commit", commit), ("--actor", actor), ("--started-at", startedAt), ("--finished-at", finishedAt)]
                .filter { $0.1 != nil }.map(\.0)
            if !extra.isEmpty {
                throw ValidationError("--update changes only the status; drop \(extra.joined(separator: ", ")) (they belong to the first event)")
            }
        }
    }

    func run() async throws {
        let client = try server.client()
        let environment = try required(environment, "environment")
        let component = try required(component, "component")
        let version = try required(version, "version")
        let status = try required(status, "status")
        let now = Timestamp.now().rfc3339
        func time(_ value: String?) -> String? { value == "now" ? now : value }
        var fields = [
            JSONMember("component", .string(component)), JSONMember("version", .string(version)), JSONMember("status", .string(status)),
        ]
        let path = "/environments/\(ServerClient.segment(environment))/deployments"
        let name = "\(component) \(version) to \(environment)"
        try await clientCall {
            if createEnvironment {
                let answer = try await client.send(.POST, "/environments", .object([JSONMember("name", .string(environment))]))
                // 409: it exists already, which is what was asked for.
                guard answer.isSuccess || answer.status == 409 else { throw answer.fail("creating the environment \(environment)") }
                if answer.status == 201 { Console.error("shiplog: created the environment \(environment)") }
            }
            if update {
                let answer = try await client.send(.PATCH, path, .object(fields))
                guard answer.isSuccess else { throw unknownEnvironment(answer, "updating the deployment of \(name)") }
                try Console.output("deployment of \(name): \(status)")
                return
            }
            let finished = Deployment.Status(rawValue: status).map { [.success, .failure, .canceled, .error].contains($0) } ?? false
            fields.append("started_at", time(startedAt) ?? now)
            fields.append("finished_at", time(finishedAt) ?? (finished ? now : nil))
            fields.append("host", host)
            fields.append("commit", commit)
            fields.append("actor", actor)
            let answer = try await client.send(.POST, path, .object(fields))
            guard answer.isSuccess else { throw unknownEnvironment(answer, "recording the deployment of \(name)") }
            try Console.output("deployment of \(name): \(status)")
        }
    }

    /// Prints the failure; when the environment does not exist, says how to create it.
    private func unknownEnvironment(_ answer: ServerAnswer, _ what: String) -> ExitCode {
        let status = answer.fail(what)
        if answer.status == 404, let message = ServerClient.message(answer), message.hasPrefix("environment ") {
            Console.error("  check the environment's name, or give --create-environment to create it")
        }
        return status
    }
}
