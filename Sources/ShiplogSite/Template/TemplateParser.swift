/// A template compiled into a tree, ready to render many times.
struct CompiledTemplate: Sendable {
    let nodes: [TemplateNode]
}

/// A name as a template writes it: `a.b`, `.a` (current object only), `.`, optionally in a transform (`empty(a)`).
struct TemplateName: Sendable, Hashable {
    var components: [TemplateKey]
    /// `.name`: looked up in the current object only, never in enclosing ones.
    var anchored: Bool
    var transform: String?
}

/// One piece of a compiled template.
indirect enum TemplateNode: Sendable {
    case text(String)
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, [TemplateNode])
    case inverted(TemplateName, [TemplateNode])
    case partial(String, indentation: String)
    /// `{{<parent}}…{{/parent}}`: render `parent` with these block overrides.
    case parent(String, blocks: [String: [TemplateNode]], indentation: String)
    /// `{{$name}}default{{/name}}`.
    case block(String, [TemplateNode])
}

/// A template that does not parse: the line and what is wrong.
struct TemplateSyntaxError: Error, Sendable, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

/// Parses Mustache (the spec's interpolation, sections, inverted sections, comments, partials,
/// inheritance and standalone-line rules, plus swift-mustache's transforms such as `empty(x)`).
enum TemplateParser {
    static let transforms: Set<String> = [
        "empty", "count", "first", "last", "index", "even", "odd", "uppercased", "lowercased", "capitalized", "reversed",
    ]

    static func parse(_ source: String) throws(TemplateSyntaxError) -> CompiledTemplate {
        let bytes = Array(source.utf8)
        var index = 0
        var text: [UInt8] = []
        // Open containers: (kind, name, nodes so far, line opened, indentation).
        var stack: [(kind: UInt8, name: String, nodes: [TemplateNode], line: Int, indentation: String)] = [(0, "", [], 1, "")]
        var line = 1

        func flushText() {
            if !text.isEmpty {
                stack[stack.count - 1].nodes.append(.text(String(decoding: text, as: UTF8.self)))
                text.removeAll(keepingCapacity: true)
            }
        }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") else {
                if bytes[index] == 0x0A { line += 1 }
                text.append(bytes[index])
                index += 1
                continue
            }
            let tagStart = index
            var cursor = index + 2
            var triple = false
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "{") {
                triple = true
                cursor += 1
            }
            let closing: [UInt8] = triple ? [0x7D, 0x7D, 0x7D] : [0x7D, 0x7D]
            var end = cursor
            while end + closing.count <= bytes.count, Array(bytes[end..<end + closing.count]) != closing { end += 1 }
            guard end + closing.count <= bytes.count else { throw TemplateSyntaxError(line: line, message: "unclosed tag") }
            let inner = String(decoding: bytes[cursor..<end], as: UTF8.self)
            let tagEnd = end + closing.count
            let tagLines = inner.utf8.filter { $0 == 0x0A }.count
            var sigil: UInt8 = 0
            var content = Substring(inner)
            if !triple, let first = inner.utf8.first, "#^/!>&<$=".utf8.contains(first) {
                sigil = first
                content = content.dropFirst()
            }
            content = content.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            while let last = content.last, last == " " || last == "\t" || last == "\n" || last == "\r" { content = content.dropLast() }
            let name = String(content)

            // Standalone: only blanks around the tag on its line; such lines vanish from the output.
            var indentation = ""
            var after = tagEnd
            let canStandAlone = sigil != 0 && sigil != UInt8(ascii: "&")
            if canStandAlone {
                var before = tagStart
                while before > 0, isBlank(bytes[before - 1]) { before -= 1 }
                let startsLine = before == 0 || bytes[before - 1] == 0x0A
                var next = tagEnd
                while next < bytes.count, isBlank(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == 0x0D { next += 1 }
                let endsLine = next == bytes.count || bytes[next] == 0x0A
                if startsLine && endsLine {
                    indentation = String(decoding: bytes[before..<tagStart], as: UTF8.self)
                    text.removeLast(tagStart - before)
                    after = next < bytes.count ? next + 1 : next
                    if next < bytes.count { line += 1 }
                }
            }
            line += tagLines
            index = after

            switch sigil {
            case UInt8(ascii: "!"):
                continue
            case UInt8(ascii: "="):
                throw TemplateSyntaxError(line: line, message: "changing delimiters is not supported")
            case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "<"), UInt8(ascii: "$"):
                flushText()
                stack.append((sigil, name, [], line, indentation))
            case UInt8(ascii: "/"):
                flushText()
                guard stack.count > 1 else { throw TemplateSyntaxError(line: line, message: "{{/\(name)}} closes nothing") }
                let open = stack.removeLast()
                guard open.name == name else {
                    throw TemplateSyntaxError(
                        line: line,
                        message: "{{/\(name)}} does not close {{\(Character(Unicode.Scalar(open.kind)))\(open.name)}} (line \(open.line))"
                    )
                }
                let node: TemplateNode
                switch open.kind {
                case UInt8(ascii: "#"): node = .section(try parseName(name, line: open.line), open.nodes)
                case UInt8(ascii: "^"): node = .inverted(try parseName(name, line: open.line), open.nodes)
                case UInt8(ascii: "$"): node = .block(name, open.nodes)
                default:
                    var blocks: [String: [TemplateNode]] = [:]
                    for child in open.nodes { if case .block(let blockName, let nodes) = child { blocks[blockName] = nodes } }
                    node = .parent(name, blocks: blocks, indentation: open.indentation)
                }
                stack[stack.count - 1].nodes.append(node)
            case UInt8(ascii: ">"):
                flushText()
                stack[stack.count - 1].nodes.append(.partial(name, indentation: indentation))
            default:
                flushText()
                guard !name.isEmpty else { throw TemplateSyntaxError(line: line, message: "empty tag") }
                stack[stack.count - 1].nodes.append(.variable(try parseName(name, line: line), escaped: !triple && sigil != UInt8(ascii: "&")))
            }
        }
        flushText()
        guard stack.count == 1 else {
            let open = stack.last!
            throw TemplateSyntaxError(line: open.line, message: "{{\(Character(Unicode.Scalar(open.kind)))\(open.name)}} is never closed")
        }
        return CompiledTemplate(nodes: stack[0].nodes)
    }

    static func parseName(_ text: String, line: Int) throws(TemplateSyntaxError) -> TemplateName {
        var body = Substring(text)
        var transform: String? = nil
        if let open = body.firstIndex(of: "("), body.hasSuffix(")") {
            let function = String(body[..<open])
            guard transforms.contains(function) else {
                throw TemplateSyntaxError(
                    line: line,
                    message: "unknown transform \(function)(); known: \(transforms.sorted().joined(separator: ", "))"
                )
            }
            transform = function
            body = body[body.index(after: open)..<body.index(before: body.endIndex)]
        }
        if body == "." { return TemplateName(components: [], anchored: true, transform: transform) }
        let anchored = body.hasPrefix(".")
        if anchored { body = body.dropFirst() }
        let components = body.split(separator: ".", omittingEmptySubsequences: false).map { TemplateKey(String($0)) }
        if body.isEmpty { return TemplateName(components: [], anchored: false, transform: transform) }
        guard components.allSatisfy({ !$0.name.isEmpty }) else { throw TemplateSyntaxError(line: line, message: "bad name \(text)") }
        return TemplateName(components: components, anchored: anchored, transform: transform)
    }
}
