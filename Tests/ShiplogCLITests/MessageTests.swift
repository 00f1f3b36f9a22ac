import Foundation
import Testing

/// What the commands print for people: help without references to the spec, timings in
/// milliseconds (SPEC §5's `--timings`, issue 10 item 16).
@Suite struct MessageTests {
    static let commands = [
        [], ["build"], ["check"], ["import"], ["export"], ["keys"], ["keys", "create"], ["subscribers"], ["migrate"], ["prune"],
        ["serve"], ["release"], ["deploy"],
    ]

    @Test("--help never points at the spec", arguments: commands)
    func helpWithoutSpecReferences(_ command: [String]) throws {
        try withTemporaryDirectory { tmp in
            let result = try run(command + ["--help"], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.isEmpty)
            #expect(!result.stdout.contains("SPEC") && !result.stdout.contains("§"), "\(result.stdout)")
        }
    }

    @Test("--timings prints each phase in milliseconds with two decimals")
    func timingsInMilliseconds() throws {
        try withExampleData { tmp in
            let result = try build(["--timings", "--no-cache"], cwd: tmp)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("timing: ") }
            #expect(lines.count >= 3, "\(result.stderr)")
            let pattern = /^timing: [^:]+: \d+\.\d\d ms$/
            for line in lines {
                #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
            }
        }
    }
}
