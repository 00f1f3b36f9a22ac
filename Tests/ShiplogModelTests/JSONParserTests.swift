import Testing

@testable import ShiplogModel

@Suite struct JSONParserTests {
    @Test func parsesNestedDocument() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.5e3, true, null, "x\u00e9\n"], "b": {}}"#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null, .string("xé\n")]))
        #expect(value["b"] == .object([]))
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, 1, 9),
        ("{\n  \"a\": tru\n}", 2, 8),
        (#"[1, 2"#, 1, 6),
        (#"{"a": "\x"}"#, 1, 8),
        (#"01"#, 1, 1),
    ])
    func reportsLineAndColumn(text: String, line: Int, column: Int) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test func namesThePathOfTheFailingValue() {
        do {
            _ = try JSONParser.parse(#"{"releases": [{"version": "1"}, {"version": }]}"#)
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.path.description == "releases[1].version")
        }
    }

    /// Valid JSON text that no double holds is refused, naming its path, so it is never echoed
    /// to clients whose strict parsers would refuse it; tiny and long exact numbers stay as written.
    @Test(arguments: ["1e999", "-1E400", "1.5e+309", String(repeating: "9", count: 400)])
    func refusesNumbersOutOfRange(number: String) {
        do {
            _ = try JSONParser.parse(#"{"meta": {"size": \#(number)}}"#)
            Issue.record("expected \(number) to be refused")
        } catch {
            #expect(error.path.description == "meta.size")
            #expect(error.message.contains("out of range"))
        }
    }

    @Test func keepsNumbersInRangeAsWritten() throws {
        let text = #"[1e-999,12345678901234567890123,1.7976931348623157e308,0.1]"#
        #expect(JSONWriter.write(try JSONParser.parse(text), pretty: false) == text)
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }

    /// RFC 8259: a UTF-8 byte order mark may be ignored; UTF-16 is refused, saying what it is.
    @Test func byteOrderMarks() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object([]))
        for mark: [UInt8] in [[0xFF, 0xFE], [0xFE, 0xFF]] {
            let utf16 = mark + Array("{}".utf8).flatMap { mark[0] == 0xFF ? [$0, 0] : [0, $0] }
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(utf16) }
            #expect(error?.message == "the file is UTF-16 (it starts with a UTF-16 byte order mark); JSON must be UTF-8")
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func writesWhatItReads() throws {
        let text = #"{"a":[1,"é\"\\\u0001",{"b":null}],"c":false}"#
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(JSONWriter.write(value)) == value)
        #expect(JSONWriter.write(value, pretty: false) == text)
    }
}

@Suite struct LargeArrayParsingTests {
    /// A document whose array is long enough to be parsed on every core.
    static func document(elements: Int, broken: Int? = nil) -> String {
        var items: [String] = []
        for i in 0..<elements {
            let text = String(repeating: "x\\\"y,]}", count: 20)
            items.append(i == broken ? #"{"n": \#(i), "s": tru}"# : #"{"n": \#(i), "s": "\#(text)", "a": [1, {"b": "]"}]}"#)
        }
        return #"{"releases": ["# + items.joined(separator: ",\n") + "]}"
    }

    @Test func parsesALongArrayLikeTheSequentialParser() throws {
        let text = Self.document(elements: 8_000)
        #expect(text.utf8.count > 1 << 20)
        guard case .array(let items)? = try JSONParser.parse(text)["releases"] else {
            Issue.record("no releases array")
            return
        }
        #expect(items.count == 8_000)
        #expect(items[4_321]["n"] == .number("4321"))
        #expect(items[7_999]["a"] == .array([.number("1"), .object([JSONMember("b", .string("]"))])]))
    }

    @Test func reportsAnErrorInsideALongArrayExactly() {
        let text = Self.document(elements: 8_000, broken: 5_000)
        do {
            _ = try JSONParser.parse(text)
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.line == 5_001)
            #expect(error.path.description == "releases[5000].s")
        }
    }
}
