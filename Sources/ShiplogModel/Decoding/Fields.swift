/// Collects the problems and warnings of one input file while it is decoded.
///
/// `@unchecked Sendable`: each sink is used by one thread at a time (parallel decoding gives
/// every slice its own sink and merges them after the slices finished).
final class ProblemSink: @unchecked Sendable {
    let file: String
    var problems: [DataProblem] = []
    var warnings: [DataProblem] = []

    init(file: String) {
        self.file = file
    }

    func problem(_ path: JSONPath, _ message: String) {
        problems.append(DataProblem(file: file, path: path, message: message))
    }

    func warning(_ path: JSONPath, _ message: String) {
        warnings.append(DataProblem(file: file, path: path, message: message))
    }

    /// How many problems and warnings were reported so far (see ``name(since:_:)``).
    var mark: (problems: Int, warnings: Int) { (problems.count, warnings.count) }

    /// Gives `subject` to the problems and warnings reported since `mark`.
    func name(since mark: (problems: Int, warnings: Int), _ subject: DataProblem.Subject) {
        for index in mark.problems..<problems.count { problems[index].subject = subject }
        for index in mark.warnings..<warnings.count { warnings[index].subject = subject }
    }
}

/// Typed access to the members of one JSON object, reporting each problem with its path.
///
/// Unknown keys are warned about once, when the object is opened; a `null` member counts as absent.
struct Fields {
    let members: [JSONMember]
    let path: JSONPath
    let sink: ProblemSink

    /// Opens `value` as an object whose members should be among `known`; nil (and a problem) if it is not an object.
    init?(_ value: JSONValue, at path: JSONPath, known: [String], sink: ProblemSink) {
        guard case .object(let members) = value else {
            sink.problem(path, "expected an object, found \(value.typeDescription)")
            return nil
        }
        self.members = members
        self.path = path
        self.sink = sink
        // Known keys are tracked in a bit set (no hashing); the rare unknown ones in a set.
        var seenKnown: UInt64 = 0
        var seenUnknown: Set<String> = []
        for member in members {
            let duplicate: Bool
            if let position = known.firstIndex(of: member.key), position < 64 {
                duplicate = seenKnown & (1 << position) != 0
                seenKnown |= 1 << position
            } else {
                duplicate = !seenUnknown.insert(member.key).inserted
                sink.warning(
                    path.appending(member.key),
                    "unknown key \(JSONWriter.quoted(member.key)) ignored (known keys: \(known.joined(separator: ", ")))"
                )
            }
            if duplicate {
                sink.problem(path.appending(member.key), "duplicate key \(JSONWriter.quoted(member.key))")
            }
        }
    }

    func value(_ key: String) -> JSONValue? {
        for member in members where member.key == key {
            if case .null = member.value { return nil }
            return member.value
        }
        return nil
    }

    func missing(_ key: String) {
        sink.problem(path.appending(key), "missing required field \(JSONWriter.quoted(key))")
    }

    func wrongType(_ key: String, _ expected: String, _ found: JSONValue) {
        sink.problem(path.appending(key), "expected \(expected), found \(found.typeDescription)")
    }

    /// A string member, checked by `rule` (a ``Rules`` function) when given.
    func string(_ key: String, required: Bool = false, rule: ((String) -> String?)? = nil) -> String? {
        guard let value = value(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .string(let string) = value else {
            wrongType(key, "a string", value)
            return nil
        }
        if let rule, let message = rule(string) {
            sink.problem(path.appending(key), message)
            return nil
        }
        return string
    }

    /// A name or title: one line of text without control or bidi control characters (``Rules/nameProblem(_:)``).
    func name(_ key: String) -> String? {
        string(key, rule: Rules.nameProblem)
    }

    /// A non-empty name or title (for required ones).
    func nonEmptyName(_ key: String, required: Bool = false) -> String? {
        string(key, required: required) { $0.isEmpty ? "must not be empty" : Rules.nameProblem($0) }
    }

    func url(_ key: String) -> String? {
        string(key, rule: Rules.urlProblem)
    }

    func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            wrongType(key, "true or false", value)
            return nil
        }
        return flag
    }

    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value else {
            wrongType(key, "a whole number", value)
            return nil
        }
        let number: Int
        switch Self.reading(text) {
        case .whole(let value):
            number = value
        case .tooLarge:
            // A whole number too large for an `Int` (`1e19`) is out of range rather than not whole.
            sink.problem(path.appending(key), "\(text.prefix(40)) is out of range (\(range.lowerBound)…\(range.upperBound))")
            return nil
        case .fraction:
            sink.problem(path.appending(key), "expected a whole number, found \(text.prefix(40))")
            return nil
        }
        guard range.contains(number) else {
            sink.problem(path.appending(key), "\(number) is out of range (\(range.lowerBound)…\(range.upperBound))")
            return nil
        }
        return number
    }

    /// What a JSON number is as an integer: a whole number that fits an `Int`, one too large for it, or not whole.
    enum Reading: Equatable {
        case whole(Int)
        case tooLarge
        case fraction
    }

    /// Reads JSON number `text` (which the parser checked) in one pass: a whole number that fits an
    /// `Int` however it is written (`100`, `-0`, `100.0` and `1e2` are all 100 or 0: JSON has one
    /// number type, and JSON Schema's `integer` is any number without a fraction), one too large for
    /// it, or a fraction (`1.5`, `1e-1`).
    static func reading(_ text: String) -> Reading {
        if let number = Int(text) { return .whole(number) }
        let bytes = Array(text.utf8)
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index += 1 }
        var digits: [UInt8] = []
        var scale = 0
        var inFraction = false
        while index < bytes.count, bytes[index] != UInt8(ascii: "e"), bytes[index] != UInt8(ascii: "E") {
            if bytes[index] == UInt8(ascii: ".") {
                inFraction = true
            } else {
                digits.append(bytes[index] - UInt8(ascii: "0"))
                if inFraction { scale -= 1 }
            }
            index += 1
        }
        if digits.allSatisfy({ $0 == 0 }) { return .whole(0) }
        if index < bytes.count {
            // The parser checked the form: an exponent of digits with an optional sign.
            let exponent = bytes[(index + 1)...]
            guard let value = Int(String(decoding: exponent, as: UTF8.self).replacing("+", with: "")), abs(value) < 10_000 else {
                // Beyond any digits written: a fraction below 1, or a number far too large.
                return exponent.first == UInt8(ascii: "-") ? .fraction : .tooLarge
            }
            scale += value
        }
        while let last = digits.last, last == 0, digits.count > 1 {
            digits.removeLast()
            scale += 1
        }
        while digits.first == 0 { digits.removeFirst() }
        guard scale >= 0 else { return .fraction }
        guard digits.count + scale <= 19 else { return .tooLarge }
        var magnitude = 0
        for digit in digits + Array(repeating: 0, count: scale) {
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(digit))
            guard !overflow, !overflow2 else { return .tooLarge }
            magnitude = sum
        }
        return .whole(negative ? -magnitude : magnitude)
    }

    func timestamp(_ key: String, required: Bool = false) -> Timestamp? {
        string(key, required: required, rule: Rules.timestampProblem).flatMap(Timestamp.init(rfc3339:))
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _ type: Choice.Type) -> Choice? where Choice.RawValue == String {
        guard let text = string(key) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map { JSONWriter.quoted($0.rawValue) }.joined(separator: ", ")
            sink.problem(path.appending(key), "\(JSONWriter.quoted(text)) is not one of \(allowed)")
            return nil
        }
        return choice
    }

    /// The elements of an array member with their paths; nil when absent (a problem when not an array).
    func array(_ key: String) -> [(JSONValue, JSONPath)]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            wrongType(key, "an array", value)
            return nil
        }
        let base = path.appending(key)
        return elements.enumerated().map { ($0.element, base.appending($0.offset)) }
    }
}
