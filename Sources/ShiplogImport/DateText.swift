public import ShiplogModel

/// Finds a calendar date written the ways changelogs write them.
///
/// `2019-02-15` (also with `/` or `.`, or a full RFC 3339 time), `15 February 2019`, `15th Feb
/// 2019`, `February 15, 2019`, `Feb 15th 2019` and `15.02.2019`. A date without a time is taken
/// as midnight UTC. Scanned by hand, not with regular expressions: a changelog of thousands of
/// releases has as many headings to look at.
public enum DateText {
    /// The first date in `text`: its time and where it stands in `text`.
    public static func find(in text: Substring) -> (date: Timestamp, range: Range<String.Index>)? {
        find(in: text, startingWithin: .max)
    }

    /// The date that `text` starts with, a weekday perhaps before it (Node.js's `2023-05-03, Version 20.1.0`).
    public static func leading(in text: Substring) -> (date: Timestamp, range: Range<String.Index>)? {
        // `Tuesday, March 5, 2024`: the date itself starts at the third token.
        guard let found = find(in: text, startingWithin: 3), found.range.lowerBound == text.startIndex else { return nil }
        return found
    }

    /// The first date that starts within the first `limit` tokens of `text`.
    private static func find(in text: Substring, startingWithin limit: Int) -> (date: Timestamp, range: Range<String.Index>)? {
        let tokens = tokenize(text)
        for start in tokens.indices.prefix(limit) {
            guard let found = match(tokens, at: start, in: text) else { continue }
            // A weekday before the date belongs to it: `Tuesday, March 5, 2024`.
            var before = start - 1
            if before >= 0, tokens[before].text == "," { before -= 1 }
            if before >= 0, tokens[before].kind == .word, weekdays.contains(tokens[before].text.lowercased()) {
                return (found.date, tokens[before].range.lowerBound..<found.range.upperBound)
            }
            return found
        }
        return nil
    }

    private static let weekdays: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ]

    private struct Token {
        enum Kind { case number, word, mark }
        var kind: Kind
        var range: Range<String.Index>
        var text: Substring
        var value: Int
    }

    private static func tokenize(_ text: Substring) -> [Token] {
        var tokens: [Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
                continue
            }
            let start = index
            if character.isASCII, character.isNumber {
                var value = 0
                while index < text.endIndex, text[index].isASCII, let digit = text[index].wholeNumberValue {
                    value = value &* 10 &+ digit
                    index = text.index(after: index)
                }
                tokens.append(Token(kind: .number, range: start..<index, text: text[start..<index], value: value))
            } else if character.isASCII, character.isLetter {
                while index < text.endIndex, text[index].isASCII, text[index].isLetter { index = text.index(after: index) }
                tokens.append(Token(kind: .word, range: start..<index, text: text[start..<index], value: 0))
            } else {
                index = text.index(after: index)
                tokens.append(Token(kind: .mark, range: start..<index, text: text[start..<index], value: 0))
            }
        }
        return tokens
    }

    private static func match(_ t: [Token], at i: Int, in text: Substring) -> (date: Timestamp, range: Range<String.Index>)? {
        func token(_ offset: Int) -> Token? { i + offset < t.count ? t[i + offset] : nil }
        guard let first = token(0) else { return nil }
        if first.kind == .number {
            // 2019-02-15, 2019/02/15, 2019.02.15 (and an RFC 3339 time after it)
            if first.text.count == 4, let sep = token(1), sep.kind == .mark, "-/.".contains(sep.text), let month = token(2),
                month.kind == .number, month.text.count <= 2, let sep2 = token(3), sep2.text == sep.text, let day = token(4),
                day.kind == .number, day.text.count <= 2, adjacent(t, i, 4)
            {
                if sep.text == "-", let time = rfc3339(from: first.range.lowerBound, in: text) { return time }
                if let midnight = date(first.value, month.value, day.value),
                    let time = clockTime(t, after: i + 4, on: String(midnight.rfc3339.prefix(10)))
                {
                    return (time.date, first.range.lowerBound..<time.end)
                }
                return date(first.value, month.value, day.value).map { ($0, first.range.lowerBound..<day.range.upperBound) }
            }
            // 15.02.2019
            if first.text.count <= 2, let sep = token(1), sep.text == ".", let month = token(2), month.kind == .number, month.text.count <= 2,
                let sep2 = token(3), sep2.text == ".", let year = token(4), year.kind == .number, year.text.count == 4, adjacent(t, i, 4)
            {
                return date(year.value, month.value, first.value).map { ($0, first.range.lowerBound..<year.range.upperBound) }
            }
            // 15 February 2019, 15th Feb. 2019
            if first.text.count <= 2 {
                var k = 1
                if let suffix = token(k), suffix.kind == .word, isOrdinal(suffix.text), suffix.range.lowerBound == first.range.upperBound { k += 1 }
                if let name = token(k), name.kind == .word, let month = month(name.text) {
                    k += 1
                    if let dot = token(k), dot.text == "." || dot.text == "," { k += 1 }
                    if let year = token(k), year.kind == .number, year.text.count == 4 {
                        return date(year.value, month, first.value).map { ($0, first.range.lowerBound..<year.range.upperBound) }
                    }
                }
            }
            return nil
        }
        // February 15, 2019 / Feb 15th 2019
        if first.kind == .word, let month = month(first.text) {
            var k = 1
            if let dot = token(k), dot.text == "." { k += 1 }
            guard let day = token(k), day.kind == .number, day.text.count <= 2 else { return nil }
            k += 1
            if let suffix = token(k), suffix.kind == .word, isOrdinal(suffix.text) { k += 1 }
            if let comma = token(k), comma.text == "," { k += 1 }
            if let year = token(k), year.kind == .number, year.text.count == 4 {
                return date(year.value, month, day.value).map { ($0, first.range.lowerBound..<year.range.upperBound) }
            }
        }
        return nil
    }

    /// A time of day after a date, apart from it by a space: `10:20`, `10:20:30`, `10:20:30.5 +01:00`,
    /// `10:20 UTC` (no zone: UTC), as `git log --date=iso` and changelog generators print them.
    private static func clockTime(_ t: [Token], after day: Int, on calendarDay: String) -> (date: Timestamp, end: String.Index)? {
        func number(_ index: Int, digits: ClosedRange<Int>) -> Int? {
            index < t.count && t[index].kind == .number && digits.contains(t[index].text.count) ? t[index].value : nil
        }
        func touching(_ index: Int, _ mark: String) -> Bool {
            index < t.count && t[index].text == mark && t[index - 1].range.upperBound == t[index].range.lowerBound
                && index + 1 < t.count && t[index].range.upperBound == t[index + 1].range.lowerBound
        }
        guard day + 1 < t.count, t[day].range.upperBound < t[day + 1].range.lowerBound, let hour = number(day + 1, digits: 1...2),
            touching(day + 2, ":"), let minute = number(day + 3, digits: 2...2)
        else { return nil }
        var k = day + 4
        var second = 0
        if touching(k, ":"), let value = number(k + 1, digits: 2...2) {
            second = value
            k += 2
            if touching(k, "."), number(k + 1, digits: 1...9) != nil { k += 2 }
        }
        var end = t[k - 1].range.upperBound
        var zone = "Z"
        if k < t.count, t[k].kind == .word, ["z", "utc", "gmt"].contains(t[k].text.lowercased()) {
            end = t[k].range.upperBound
        } else if k + 1 < t.count, t[k].text == "+" || t[k].text == "-", t[k].range.upperBound == t[k + 1].range.lowerBound {
            if number(k + 1, digits: 4...4) != nil {
                zone = "\(t[k].text)\(t[k + 1].text.prefix(2)):\(t[k + 1].text.suffix(2))"
                end = t[k + 1].range.upperBound
            } else if let hh = number(k + 1, digits: 2...2), touching(k + 2, ":"), let mm = number(k + 3, digits: 2...2) {
                zone = "\(t[k].text)\(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
                end = t[k + 3].range.upperBound
            }
        }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "\(calendarDay)T\(two(hour)):\(two(minute)):\(two(second))\(zone)"
        return Timestamp(rfc3339: text).map { ($0, end) }
    }

    /// Whether tokens `i…i+count` touch each other (no space inside `2019-02-15`).
    private static func adjacent(_ t: [Token], _ i: Int, _ count: Int) -> Bool {
        (i..<i + count).allSatisfy { t[$0].range.upperBound == t[$0 + 1].range.lowerBound }
    }

    /// An RFC 3339 time starting at `start`, up to the next space or closing bracket.
    private static func rfc3339(from start: String.Index, in text: Substring) -> (date: Timestamp, range: Range<String.Index>)? {
        var end = start
        while end < text.endIndex, !text[end].isWhitespace, !")],".contains(text[end]) { end = text.index(after: end) }
        guard end > start else { return nil }
        return Timestamp(rfc3339: String(text[start..<end])).map { ($0, start..<end) }
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> Timestamp? {
        guard (1000...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        return Timestamp(rfc3339: "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)T00:00:00Z")
    }

    private static func isOrdinal(_ word: Substring) -> Bool {
        ["st", "nd", "rd", "th"].contains(word.lowercased())
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let fullMonths = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    ]

    /// 1–12 for a month's English name or its three-letter (or `Sept`) abbreviation.
    private static func month(_ word: Substring) -> Int? {
        let lower = word.lowercased()
        if let index = fullMonths.firstIndex(of: lower) { return index + 1 }
        if lower == "sept" { return 9 }
        if lower.count == 3, let index = months.firstIndex(of: lower) { return index + 1 }
        return nil
    }
}
