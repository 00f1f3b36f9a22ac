import Testing

@testable import ShiplogSite

/// ``Excerpt``: the first lines of notes as plain text, read line by line (LF, CRLF or CR).
@Suite struct ExcerptTests {
    @Test(arguments: ["\n", "\r\n", "\r"])
    func theFirstLinesArePlainTextWhateverTheLineEnds(newline: String) {
        let notes = ["### Fixed", "", "```swift", "let hidden = 1", "```", "- A [linked](https://x.example) *fix*", "1. Two", "- Three"]
            .joined(separator: newline)
        #expect(Excerpt.firstLines(of: notes) == "Fixed · A linked fix · Two")
        #expect(Excerpt.firstLines(of: notes, lines: 1) == "Fixed")
    }

    /// A link target with parentheses in it (as cmark takes it) leaves nothing of itself behind.
    @Test func aLinkTargetWithParenthesesGoesWhole() {
        let notes = "See [the docs](https://en.wikipedia.org/wiki/Foo_(bar)) and [more](https://x.example/a(b)c) now"
        #expect(Excerpt.firstLines(of: notes) == "See the docs and more now")
    }

    @Test func aLongExcerptIsCutAtAWord() {
        let notes = String(repeating: "word ", count: 100)
        let excerpt = Excerpt.firstLines(of: notes, limit: 22)
        #expect(excerpt == "word word word word…")
        #expect(Excerpt.firstLines(of: nil).isEmpty && Excerpt.firstLines(of: "").isEmpty)
    }
}
