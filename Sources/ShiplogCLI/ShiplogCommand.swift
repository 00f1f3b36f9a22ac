public import ArgumentParser

/// The `shiplog` command: publish release pages and serve them.
///
/// ```
/// shiplog build --data site/data.json --out site/public
/// ```
public struct ShiplogCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "shiplog",
        abstract: "Turn release and deployment data into a release page, feeds and version JSON.",
        discussion: """
            Exit statuses: 0 ok, 64 usage, 65 bad data, 74 I/O error, 1 anything else.
            """,
        version: "0.1.0",
        subcommands: [
            BuildCommand.self, CheckCommand.self, ConvertCommand.self, ImportCommand.self, ExportCommand.self, KeysCommand.self,
            SubscribersCommand.self, MigrateCommand.self, PruneCommand.self,
            ServeCommand.self, ReleaseCommand.self, DeployCommand.self, InitCommand.self, ThemeCommand.self,
        ]
    )

    public init() {}
}
