/// Compiled templates by name (the file path below the theme folder without `.mustache`).
struct TemplateLibrary: Sendable {
    let templates: [String: CompiledTemplate]

    /// Renders `name` with `context`; "" when there is no such template.
    func render(_ name: String, _ context: TemplateObject) -> String {
        guard let template = templates[name] else { return "" }
        var state = RenderState(library: self, stack: [.object(context)])
        var output = ""
        output.reserveCapacity(16 * 1024)
        state.render(template.nodes, into: &output)
        return output
    }

    /// The partials and parents `template` names that the library does not have.
    func missingReferences(of template: CompiledTemplate) -> [String] {
        var missing: [String] = []
        func visit(_ nodes: [TemplateNode]) {
            for node in nodes {
                switch node {
                case .partial(let name, _):
                    if templates[name] == nil { missing.append(name) }
                case .parent(let name, let blocks, _):
                    if templates[name] == nil { missing.append(name) }
                    blocks.values.forEach(visit)
                case .section(_, let children), .inverted(_, let children), .block(_, let children):
                    visit(children)
                case .text, .variable:
                    break
                }
            }
        }
        visit(template.nodes)
        return missing
    }
}

/// Where rendering is: the context stack, the loops it is in, and the block overrides in force.
private struct RenderState {
    let library: TemplateLibrary
    var stack: [TemplateValue]
    /// For each enclosing list section: the element's position and the list's length.
    var loops: [(index: Int, count: Int)] = []
    var overrides: [String: [TemplateNode]] = [:]

    init(library: TemplateLibrary, stack: [TemplateValue]) {
        self.library = library
        self.stack = stack
    }

    mutating func render(_ nodes: [TemplateNode], into output: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let name, let escaped):
                guard let value = resolve(name) else { continue }
                switch value {
                case .string(let text):
                    if escaped {
                        appendEscaped(text, to: &output)
                    } else {
                        output += text
                    }
                case .int(let number): output += String(number)
                case .bool(let flag): output += flag ? "true" : "false"
                case .list, .object, .lazy: break
                }
            case .section(let name, let children):
                guard let value = resolve(name) else { continue }
                switch value {
                case .bool(let flag):
                    if flag { render(children, into: &output) }
                case .list(let items):
                    for (position, item) in items.enumerated() {
                        stack.append(item)
                        loops.append((position, items.count))
                        render(children, into: &output)
                        loops.removeLast()
                        stack.removeLast()
                    }
                case .string, .int, .object, .lazy:
                    stack.append(value)
                    render(children, into: &output)
                    stack.removeLast()
                }
            case .inverted(let name, let children):
                if !(resolve(name)?.isTruthy ?? false) { render(children, into: &output) }
            case .partial(let name, let indentation):
                guard let template = library.templates[name] else { continue }
                if indentation.isEmpty {
                    render(template.nodes, into: &output)
                } else {
                    var inner = ""
                    render(template.nodes, into: &inner)
                    appendIndented(inner, indentation, to: &output)
                }
            case .parent(let name, let blocks, _):
                guard let template = library.templates[name] else { continue }
                let saved = overrides
                // The most derived template's blocks win: overrides already in force are kept.
                overrides.merge(blocks) { current, _ in current }
                render(template.nodes, into: &output)
                overrides = saved
            case .block(let name, let children):
                render(overrides[name] ?? children, into: &output)
            }
        }
    }

    /// Finds a name: in the current object only when anchored (`.name`), else in the nearest enclosing
    /// object that has its first component; then applies its transform.
    func resolve(_ name: TemplateName) -> TemplateValue? {
        var value: TemplateValue?
        if name.components.isEmpty {
            if !name.anchored, let transform = name.transform { return loopTransform(transform) }
            value = stack.last
        } else if name.anchored {
            value = descend(stack.last, name.components[...])
        } else {
            let first = name.components[0]
            for candidate in stack.reversed() {
                if case .object(let object) = candidate, let found = object.value(first) {
                    value = descend(found, name.components.dropFirst())
                    break
                }
            }
        }
        guard let value, let transform = name.transform else { return value }
        return apply(transform, to: value)
    }

    private func descend(_ start: TemplateValue?, _ path: ArraySlice<String>) -> TemplateValue? {
        var value = start
        for key in path {
            guard case .object(let object) = value else { return nil }
            value = object.value(key)
        }
        return value
    }

    private func loopTransform(_ transform: String) -> TemplateValue? {
        guard let loop = loops.last else { return nil }
        switch transform {
        case "first": return .bool(loop.index == 0)
        case "last": return .bool(loop.index == loop.count - 1)
        case "index": return .int(loop.index)
        case "even": return .bool(loop.index % 2 == 0)
        case "odd": return .bool(loop.index % 2 == 1)
        default: return nil
        }
    }

    private func apply(_ transform: String, to value: TemplateValue) -> TemplateValue? {
        switch (transform, value) {
        case ("empty", .list(let items)): return .bool(items.isEmpty)
        case ("empty", .string(let text)): return .bool(text.isEmpty)
        case ("count", .list(let items)): return .int(items.count)
        case ("first", .list(let items)): return items.first
        case ("last", .list(let items)): return items.last
        case ("reversed", .list(let items)): return .list(items.reversed())
        case ("uppercased", .string(let text)): return .string(text.uppercased())
        case ("lowercased", .string(let text)): return .string(text.lowercased())
        case ("capitalized", .string(let text)): return .string(text.prefix(1).uppercased() + text.dropFirst())
        default: return nil
        }
    }
}

/// Appends `text` with `<`, `>`, `&`, `"` and `'` escaped for HTML.
private func appendEscaped(_ text: String, to output: inout String) {
    let utf8 = text.utf8
    // A tight loop over contiguous bytes when the string has them (native strings do).
    let special = { (byte: UInt8) in byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0x22 || byte == 0x27 }
    guard utf8.withContiguousStorageIfAvailable({ $0.contains(where: special) }) ?? utf8.contains(where: special) else {
        output += text
        return
    }
    var start = utf8.startIndex
    var index = start
    while index != utf8.endIndex {
        let replacement: String? =
            switch utf8[index] {
            case 0x3C: "&lt;"
            case 0x3E: "&gt;"
            case 0x26: "&amp;"
            case 0x22: "&quot;"
            case 0x27: "&#39;"
            default: nil
            }
        if let replacement {
            output += text[start..<index]
            output += replacement
            start = utf8.index(after: index)
        }
        index = utf8.index(after: index)
    }
    output += text[start..<utf8.endIndex]
}

/// Appends `text` with `indentation` before each of its lines.
private func appendIndented(_ text: String, _ indentation: String, to output: inout String) {
    var atLineStart = true
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if line.offset > 0 {
            output += "\n"
            atLineStart = true
        }
        if atLineStart, !line.element.isEmpty { output += indentation }
        output += line.element
        atLineStart = false
    }
}
