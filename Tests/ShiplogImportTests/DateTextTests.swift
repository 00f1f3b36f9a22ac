import ShiplogModel
import Testing

@testable import ShiplogImport

@Suite struct DateTextTests {
    @Test(arguments: [
        ("2019-02-15", "2019-02-15T00:00:00Z"),
        ("(2019/2/5)", "2019-02-05T00:00:00Z"),
        ("on 31 July 2022", "2022-07-31T00:00:00Z"),
        ("1st Sept. 2021", "2021-09-01T00:00:00Z"),
        ("July 1, 2025", "2025-07-01T00:00:00Z"),
        ("Dec 24th 2020", "2020-12-24T00:00:00Z"),
        ("15.02.2019", "2019-02-15T00:00:00Z"),
        ("2019-02-15T10:00:00Z", "2019-02-15T10:00:00Z"),
        ("2024-03-05 10:20", "2024-03-05T10:20:00Z"),
        ("(2024-03-05 10:20:30 +0100)", "2024-03-05T09:20:30Z"),
        ("2024-03-05 10:20:30.123 -02:00", "2024-03-05T12:20:30Z"),
        ("2024-03-05 23:59 UTC", "2024-03-05T23:59:00Z"),
    ])
    func dates(text: String, expected: String) throws {
        let found = try #require(DateText.find(in: Substring(text)))
        #expect(found.date.rfc3339 == expected)
    }

    /// The whole date is found, so nothing of it is left for a heading's title.
    @Test func theWholeDateIsFound() throws {
        let cases = [
            "2024-03-05 10:20": "2024-03-05 10:20", "- 2024-03-05 10:20:30 +0100 - Owl": "2024-03-05 10:20:30 +0100",
            "Tuesday, March 5, 2024": "Tuesday, March 5, 2024", "(Tue Mar 5 2024)": "Tue Mar 5 2024", "2024-03-05 5 fixes": "2024-03-05",
        ]
        for (text, expected) in cases {
            let found = try #require(DateText.find(in: Substring(text)))
            #expect(String(Substring(text)[found.range]) == expected)
        }
    }

    @Test(arguments: ["Swift 2.3", "2019-02-30", "version 1.2.3", "13.13.2019", "May the force"])
    func notDates(text: String) {
        #expect(DateText.find(in: Substring(text)) == nil)
    }
}
