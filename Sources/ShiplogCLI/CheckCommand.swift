import ArgumentParser
import ShiplogModel

/// `shiplog check`: validate data files and write nothing.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate data files; exit 0 when valid, 65 when not.",
        discussion: "Every problem is reported on stderr as FILE: JSON.PATH: message."
    )

    @OptionGroup var input: DataOptions

    func run() async throws {
        let loaded = try input.load()
        let data = loaded.data
        Console.output(
            "\(input.data.joined(separator: ", ")): valid — \(data.components.count) components, \(data.releases.count) releases, \(data.groups.count) groups, \(data.deployments.count) deployments"
        )
    }
}
