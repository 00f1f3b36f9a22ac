import Testing

@testable import ShiplogImport
@testable import ShiplogModel

/// An importer fault (what it made does not pass `shiplog check`) prints as `check` prints the
/// problem (`FILE: JSON.PATH: message`, SPEC §1), marked as the importer's.
@Suite struct ImportFaultTests {
    @Test func aFaultReadsAsCheckPrintsIt() {
        let problem = DataProblem(
            file: "converted data",
            path: JSONPath.root.appending("releases").appending(3).appending("published_at"),
            subject: .init(depth: 2, text: "api 1.2.0"),
            message: "missing required field \"published_at\""
        )
        let fault = ImportProblem(fault: problem)
        #expect(fault.description == problem.description + " (an importer fault)")
        #expect(
            fault.description
                == #"converted data: releases[3].published_at: missing required field "published_at" (release api 1.2.0) (an importer fault)"#
        )
    }
}
