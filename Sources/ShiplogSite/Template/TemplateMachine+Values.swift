/// What the machine writes, and how it finds the values that names refer to.
extension TemplateMachine {
    mutating func appendText(_ start: Int32, _ count: Int32) {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[Int(start)..<Int(start + count)]))
    }

    mutating func append(_ value: TemplateValue, escaped: Bool) {
        switch value {
        case .string(let string):
            var string = string
            string.withUTF8 { bytes in if escaped { appendEscaped(bytes) } else { output.append(contentsOf: bytes) } }
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .list, .object, .lazy: break
        }
    }

    /// Appends `bytes` with `<`, `>`, `&`, `"` and `'` escaped for HTML.
    mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for index in bytes.indices {
            let replacement: StaticString
            switch bytes[index] {
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x26: replacement = "&amp;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&#39;"
            default: continue
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            start = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    /// Appends `inner` with the indentation before each of its non-empty lines.
    mutating func appendIndented(_ inner: [UInt8], indentation: Range<Int32>) {
        var atLineStart = true
        for byte in inner {
            if atLineStart, byte != 0x0A { appendText(indentation.lowerBound, Int32(indentation.count)) }
            output.append(byte)
            atLineStart = byte == 0x0A
        }
    }

    /// Finds a name: in the current object only when anchored (`.name`), else in the nearest enclosing
    /// object that has its first component; then applies its transform.
    func resolve(_ number: Int32) -> TemplateValue? {
        let name = names[Int(number)]
        let path = UnsafeBufferPointer(rebasing: keys[Int(name.first)..<Int(name.first + name.count)])
        var value: TemplateValue?
        if path.isEmpty {
            if !name.anchored, name.transform != .none { return loopTransform(name.transform) }
            value = stack.last
        } else if name.anchored {
            guard let object = objects.last else { return nil }
            value = object._withUnsafeGuaranteedRef { $0.find(path) } ?? nil
        } else {
            var frame = objects.count - 1
            while frame >= 0 {
                // Unretained: the frame's object is held by the stack while it is looked into. Most
                // frames that lack the name say so from their summary of the keys they have.
                if let found = objects[frame]._withUnsafeGuaranteedRef({ $0.find(path) }) {
                    value = found
                    break
                }
                frame -= 1
            }
        }
        guard let value, name.transform != .none else { return value }
        return apply(name.transform, to: value)
    }

    func loopTransform(_ transform: TemplateTransform) -> TemplateValue? {
        guard let loop = loops.last else { return nil }
        switch transform {
        case .first: return .bool(loop.index == 0)
        case .last: return .bool(loop.index == loop.count - 1)
        case .index: return .int(loop.index)
        case .even: return .bool(loop.index % 2 == 0)
        case .odd: return .bool(loop.index % 2 == 1)
        default: return nil
        }
    }

    func apply(_ transform: TemplateTransform, to value: TemplateValue) -> TemplateValue? {
        switch (transform, value) {
        case (.empty, .list(let items)): return .bool(items.isEmpty)
        case (.empty, .string(let text)): return .bool(text.isEmpty)
        case (.count, .list(let items)): return .int(items.count)
        case (.first, .list(let items)): return items.first
        case (.last, .list(let items)): return items.last
        case (.reversed, .list(let items)): return .list(items.reversed())
        case (.uppercased, .string(let text)): return .string(text.uppercased())
        case (.lowercased, .string(let text)): return .string(text.lowercased())
        case (.capitalized, .string(let text)): return .string(text.prefix(1).uppercased() + text.dropFirst())
        default: return nil
        }
    }
}
