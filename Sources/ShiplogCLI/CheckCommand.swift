import ArgumentParser
import ShiplogModel

/// `shiplog check`: validate data files and write nothing.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate data files; exit 0 when valid, 65 when not.",
        discussion: """
            Every problem is reported on stderr as FILE: JSON.PATH: message. Warnings (exit status 0) \
            point at data that is probably not what was meant: dates against version order, mixed \
            "v" prefixes, versions that compare equal, rc9/rc10, and assets an app update feed \
            cannot use (no signature for Sparkle or Tauri, no sha1 for Squirrel, no sha512 for \
            electron-updater).
            """
    )

    @OptionGroup var input: DataOptions

    func validate() throws {
        // Here rather than in `run()`, so the usage printed under the error is this command's.
        if input.data.isEmpty { throw ValidationError("Give at least one --data FILE.") }
    }

    func run() async throws {
        let loaded = try input.load()
        let data = loaded.data
        for warning in VersionWarnings.check(data) { Console.error("warning: \(warning)") }
        for finding in UpdateWarnings.check(data) {
            let release = data.releases[finding.release]
            let (file, position) =
                loaded.releasePosition(finding.release).map { (input.data[$0.source], $0.position) } ?? (input.data[0], finding.release)
            Console.error(
                "warning: \(file): releases[\(position)].assets[\(finding.asset)]: \(finding.message) (release \(release.component) \(release.version.text))"
            )
        }
        try Console.output(
            "\(input.data.joined(separator: ", ")): valid — \(data.components.count) components, \(data.releases.count) releases, \(data.groups.count) groups, \(data.deployments.count) deployments"
        )
    }
}
