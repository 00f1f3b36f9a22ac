/// A `#123` or `@name` found in a text, as a range of UTF-8 byte offsets that includes the sigil.
struct Reference: Equatable {
    enum Kind: Equatable {
        /// `#123`: links to an issue or pull/merge request.
        case issue
        /// `@name`: links to a user profile.
        case mention
    }

    var kind: Kind
    var range: Range<Int>
}

/// Finds `#123` and `@name` in the UTF-8 bytes of one text node, without regex or `String` slicing.
///
/// - `#123`: `#` and one or more digits; before `#` start of text or anything but a letter, digit, `&`, `_` or `/`;
///   after the digits no letter, digit or `_`.
/// - `@name`: before `@` start of text or anything but a letter, digit, `_`, `.`, `-`, `/` or `@` (so e-mail
///   addresses are left alone); the name follows the host's rules (see ``userNameEnd(in:from:)``) and is not
///   followed by a letter, digit, `_` or `/` (a longer, invalid name or a team such as `@org/team`); and it
///   does not read as code (`@preconcurrency`, `@Query(…)`: see ``CodeAttributes``).
///
/// Letters and digits outside ASCII count as letters and digits, so `é#7` and `#7é` are not references.
struct ReferenceScanner {
    let host: RepositoryLinks.Host

    func references(in text: UnsafeBufferPointer<UInt8>) -> [Reference] {
        var found: [Reference] = []
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "#"), let end = issueEnd(in: text, sigil: index) {
                found.append(Reference(kind: .issue, range: index..<end))
                index = end
            } else if byte == UInt8(ascii: "@"), let end = mentionEnd(in: text, sigil: index) {
                found.append(Reference(kind: .mention, range: index..<end))
                index = end
            } else {
                index += 1
            }
        }
        return found
    }

    /// The end of `#123` starting at `sigil`, or nil when it is not a reference.
    private func issueEnd(in text: UnsafeBufferPointer<UInt8>, sigil: Int) -> Int? {
        if let before = text.character(endingAt: sigil) {
            switch before {
            case .ascii(let byte):
                if ASCII.isAlphanumeric(byte) || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/") {
                    return nil
                }
            case .letterOrDigit: return nil
            case .other: break
            }
        }
        var end = sigil + 1
        while end < text.count, ASCII.isDigit(text[end]) { end += 1 }
        guard end > sigil + 1, !text.startsWithWordCharacter(at: end) else { return nil }
        return end
    }

    /// The end of `@name` starting at `sigil`, or nil when it is not a reference.
    private func mentionEnd(in text: UnsafeBufferPointer<UInt8>, sigil: Int) -> Int? {
        if let before = text.character(endingAt: sigil) {
            switch before {
            case .ascii(let byte):
                if ASCII.isWord(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
                    || byte == UInt8(ascii: "@")
                {
                    return nil
                }
            case .letterOrDigit: return nil
            case .other: break
            }
        }
        guard let end = userNameEnd(in: text, from: sigil + 1),
            !text.startsWithWordCharacter(at: end),
            end == text.count || text[end] != UInt8(ascii: "/"),
            !CodeAttributes.isCode(text, sigil: sigil, end: end)
        else { return nil }
        return end
    }

    /// The end of the longest user name starting at `start`, or nil when none starts there.
    ///
    /// GitHub: `[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}` (so `@lee.chen` is `@lee`).
    /// GitLab: `[A-Za-z0-9_][A-Za-z0-9_.-]*` without trailing `.` or `-`.
    func userNameEnd(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < text.count else { return nil }
        switch host {
        case .github:
            guard ASCII.isAlphanumeric(text[start]) else { return nil }
            var end = start + 1
            while end - start < 39, end < text.count {
                if ASCII.isAlphanumeric(text[end]) {
                    end += 1
                } else if text[end] == UInt8(ascii: "-"), end + 1 < text.count, ASCII.isAlphanumeric(text[end + 1]) {
                    end += 1
                } else {
                    break
                }
            }
            return end
        case .gitlab:
            guard ASCII.isWord(text[start]) else { return nil }
            var end = start + 1
            while end < text.count, ASCII.isWord(text[end]) || text[end] == UInt8(ascii: ".") || text[end] == UInt8(ascii: "-") {
                end += 1
            }
            while text[end - 1] == UInt8(ascii: ".") || text[end - 1] == UInt8(ascii: "-") { end -= 1 }
            return end
        }
    }
}
