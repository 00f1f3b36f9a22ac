import Testing

@testable import ShiplogModel

/// SPEC §1: timestamps are read as RFC 3339 and always written as UTC `YYYY-MM-DDTHH:MM:SSZ`.
@Suite struct TimestampTests {
    /// Input → the UTC form it is written as.
    @Test(arguments: [
        ("2017-04-12T11:20:10Z", "2017-04-12T11:20:10Z"),
        ("2017-04-12T13:20:10+02:00", "2017-04-12T11:20:10Z"),
        ("2017-04-12T06:50:10-04:30", "2017-04-12T11:20:10Z"),
        ("2017-04-12T11:20:10+00:00", "2017-04-12T11:20:10Z"),
        ("2017-04-12T11:20:10-00:00", "2017-04-12T11:20:10Z"),
        ("2017-04-12T11:20:10.5Z", "2017-04-12T11:20:10Z"),
        ("2017-04-12T13:20:10.5+02:00", "2017-04-12T11:20:10Z"),
        ("2017-04-12T06:20:10.123456789-05:00", "2017-04-12T11:20:10Z"),
        ("2017-04-12T11:20:10.999Z", "2017-04-12T11:20:10Z"),
        ("2017-04-12t11:20:10z", "2017-04-12T11:20:10Z"),
        ("2017-04-12t13:20:10.25+02:00", "2017-04-12T11:20:10Z"),
        ("2017-04-12 11:20:10Z", "2017-04-12T11:20:10Z"),
        // offsets that cross a day, a month and a year
        ("2017-01-01T01:00:00+02:00", "2016-12-31T23:00:00Z"),
        ("2017-02-28T22:30:00-01:30", "2017-03-01T00:00:00Z"),
        ("2016-02-28T23:00:00-01:00", "2016-02-29T00:00:00Z"),
        ("2024-12-31T23:59:59-23:59", "2025-01-01T23:58:59Z"),
        // leap years
        ("2016-02-29T12:00:00Z", "2016-02-29T12:00:00Z"),
        ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
        // the edges of the clock and of the epoch
        ("2017-04-12T00:00:00Z", "2017-04-12T00:00:00Z"),
        ("2017-04-12T23:59:59Z", "2017-04-12T23:59:59Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
        ("1900-03-01T00:00:00Z", "1900-03-01T00:00:00Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
    ])
    func parsesAndWritesUTC(_ input: String, _ output: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: input))
        #expect(timestamp.rfc3339 == output)
        #expect(timestamp.description == output)
        #expect(Timestamp(rfc3339: output) == timestamp)
    }

    @Test(
        arguments: [
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:01Z", 1),
            ("1969-12-31T23:59:59Z", -1),
            ("1969-12-31T23:59:59.5Z", -1),
            ("2017-04-12T11:20:10Z", 1_491_996_010),
            ("2017-04-12T13:20:10+02:00", 1_491_996_010),
            ("2024-01-01T00:00:00Z", 1_704_067_200),
        ] as [(String, Int64)]
    )
    func countsSecondsSinceTheEpoch(_ input: String, _ seconds: Int64) {
        #expect(Timestamp(rfc3339: input)?.seconds == seconds)
    }

    @Test(arguments: [
        // impossible dates and times
        "2017-02-30T00:00:00Z", "2017-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2017-04-31T00:00:00Z",
        "2017-13-01T00:00:00Z", "2017-00-10T00:00:00Z", "2017-04-00T00:00:00Z", "2017-04-32T00:00:00Z",
        "2017-04-12T24:00:00Z", "2017-04-12T11:60:00Z", "2017-04-12T11:20:61Z",
        // no zone, or a malformed one
        "2017-04-12T11:20:10", "2017-04-12T11:20:10.5", "2017-04-12T11:20:10+0200", "2017-04-12T11:20:10+02",
        "2017-04-12T11:20:10+24:00", "2017-04-12T11:20:10+02:60", "2017-04-12T11:20:10 Z", "2017-04-12T11:20:10UTC",
        "2017-04-12T11:20:10ZZ", "2017-04-12T11:20:10Z ",
        // not the RFC 3339 shape
        "", "2017-04-12", "11:20:10Z", "2017-4-12T11:20:10Z", "2017-04-12T1:20:10Z", "2017-04-12T11:20Z",
        "2017/04/12T11:20:10Z", "2017-04-12X11:20:10Z", "2017-04-12T11:20:10.Z", " 2017-04-12T11:20:10Z",
        "17-04-12T11:20:10Z", "+2017-04-12T11:20:10Z", "yesterday", "1491996010",
    ])
    func rejects(_ input: String) {
        #expect(Timestamp(rfc3339: input) == nil)
    }

    @Test func acceptsALeapSecond() {
        #expect(Timestamp(rfc3339: "2016-12-31T23:59:60Z") != nil)
        #expect(Timestamp(rfc3339: "1990-12-31T15:59:60-08:00")?.rfc3339 == "1990-12-31T23:59:59Z")
        #expect(Timestamp(rfc3339: "2015-06-30T23:59:60.5z") != nil)
    }

    /// A leap second ends a UTC month (RFC 3339 §5.7): `:60` anywhere else names no time.
    @Test(arguments: ["2024-05-01T12:00:60Z", "2016-12-30T23:59:60Z", "2016-12-31T23:59:60+01:00", "2016-12-31T23:58:60Z"])
    func rejectsALeapSecondInsideAMonth(_ input: String) {
        #expect(Timestamp(rfc3339: input) == nil)
    }

    @Test(arguments: [
        (0 as Int64, "1970-01-01T00:00:00Z"),
        (1_491_996_010, "2017-04-12T11:20:10Z"),
        (-86_400, "1969-12-31T00:00:00Z"),
        (-1, "1969-12-31T23:59:59Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ])
    func writesSecondsAsUTC(_ seconds: Int64, _ text: String) {
        #expect(Timestamp(seconds: seconds).rfc3339 == text)
    }

    @Test func roundTripsThroughText() {
        for seconds in stride(from: Int64(-5_000_000_000), through: 5_000_000_000, by: 86_399 * 37 + 4_321) {
            let timestamp = Timestamp(seconds: seconds)
            #expect(Timestamp(rfc3339: timestamp.rfc3339) == timestamp, "\(seconds)")
        }
    }

    @Test func ordersByMoment() throws {
        let early = try #require(Timestamp(rfc3339: "2017-04-12T13:00:00+02:00"))
        let late = try #require(Timestamp(rfc3339: "2017-04-12T12:00:00Z"))
        #expect(early < late)
        #expect(!(late < early))
        #expect(Timestamp(rfc3339: "2017-04-12T11:00:00Z") == early)
    }

    @Test(arguments: [
        ("2017-04-12T11:20:10Z", "12 Apr 2017"),
        ("2024-01-01T00:00:00Z", "1 Jan 2024"),
        ("2024-02-29T23:59:59Z", "29 Feb 2024"),
        ("1999-12-31T12:00:00Z", "31 Dec 1999"),
        ("2017-01-01T01:00:00+02:00", "31 Dec 2016"),
        ("1969-07-20T20:17:00Z", "20 Jul 1969"),
    ])
    func writesHumanDates(_ input: String, _ human: String) {
        #expect(Timestamp(rfc3339: input)?.humanDate == human)
    }

    @Test(arguments: [
        ("2017-04-12T11:20:10Z", "Wed, 12 Apr 2017 11:20:10 +0000"),
        ("2024-01-01T08:05:03Z", "Mon, 01 Jan 2024 08:05:03 +0000"),
        ("1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000"),
        ("1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 +0000"),
        ("1900-01-01T12:00:00Z", "Mon, 01 Jan 1900 12:00:00 +0000"),
    ])
    func writesMailDates(_ input: String, _ mail: String) {
        #expect(Timestamp(rfc3339: input)?.rfc5322 == mail)
    }
}
