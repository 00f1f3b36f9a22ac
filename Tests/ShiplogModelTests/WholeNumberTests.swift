import Testing

@testable import ShiplogModel

/// How a JSON number reads as an integer field: one pass over the digits tells a whole number from
/// one too large for an `Int` (out of range) and from one with a fraction (not whole).
@Suite struct WholeNumberTests {
    @Test(arguments: [
        ("100", Fields.Reading.whole(100)), ("-0", .whole(0)), ("1e2", .whole(100)), ("-12.50e1", .whole(-125)),
        ("9223372036854775807", .whole(Int.max)), ("-9223372036854775808", .whole(Int.min)), ("0e99999", .whole(0)),
        ("9223372036854775808", .tooLarge), ("1e19", .tooLarge), ("-1.5e30", .tooLarge), ("1e99999", .tooLarge),
        ("1.5", .fraction), ("25e-1", .fraction), ("1e-99999", .fraction), ("12345678901234567890.5", .fraction),
    ])
    func readsEachKind(_ text: String, _ reading: Fields.Reading) {
        #expect(Fields.reading(text) == reading)
    }
}
