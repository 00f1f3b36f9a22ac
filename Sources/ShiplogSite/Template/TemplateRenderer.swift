/// Compiled templates by name (the file path below the theme folder without `.mustache`).
///
/// The templates' trees are flattened into one program of plain instructions over one text
/// buffer, with partials and parents resolved to positions: rendering reads them without
/// retaining anything, so threads that render at once do not contend for reference counts.
struct TemplateLibrary: Sendable {
    /// Each template's instructions: `program[start..<end]`.
    private let entries: [String: Range<Int32>]
    private let program: [Instruction]
    private let text: [UInt8]
    private let names: [FlatName]
    private let keys: [TemplateKey]
    /// Each block name's number, for the overrides in force while rendering.
    private let blockCount: Int
    /// The partials and parents each template names that the library does not have.
    private let missing: [String: [String]]

    init(templates: [String: CompiledTemplate]) {
        var compiler = Compiler(templateNames: templates.keys.sorted())
        var entries: [String: Range<Int32>] = [:]
        for name in compiler.templateNames {
            let start = Int32(compiler.program.count)
            compiler.compile(templates[name]!.nodes, in: name)
            entries[name] = start..<Int32(compiler.program.count)
        }
        // Partials and parents were numbered by name; now every template has its place.
        let places = compiler.templateNames.map { entries[$0]! }
        for position in compiler.program.indices {
            let instruction = compiler.program[position]
            guard instruction.kind == .partial || instruction.kind == .parent else { continue }
            compiler.program[position].target = instruction.a >= 0 ? places[Int(instruction.a)] : 0..<0
        }
        self.entries = entries
        program = compiler.program
        text = compiler.text
        names = compiler.names
        keys = compiler.keys
        blockCount = compiler.blockNumbers.count
        missing = compiler.missing
    }

    /// Renders `name` with `context`; "" when there is no such template.
    func render(_ name: String, _ context: TemplateObject) -> String {
        String(decoding: renderBytes(name, context), as: UTF8.self)
    }

    /// Renders `name` with `context` as UTF-8; empty when there is no such template.
    func renderBytes(_ name: String, _ context: TemplateObject) -> [UInt8] {
        guard let entry = entries[name] else { return [] }
        return program.withUnsafeBufferPointer { program in
            text.withUnsafeBufferPointer { text in
                names.withUnsafeBufferPointer { names in
                    keys.withUnsafeBufferPointer { keys in
                        var machine = Machine(program: program, text: text, names: names, keys: keys, blockCount: blockCount)
                        machine.push(.object(context))
                        machine.run(entry)
                        return machine.output
                    }
                }
            }
        }
    }

    /// Whether the library has the template `name`.
    func has(_ name: String) -> Bool { entries[name] != nil }

    /// The partials and parents the template `name` uses that the library does not have.
    func missingReferences(of name: String) -> [String] { missing[name] ?? [] }
}

/// A name as the program keeps it: its components are `keys[first..<first + count]`.
private struct FlatName {
    var first: Int32
    var count: Int32
    var anchored: Bool
    var transform: Transform
}

/// The transforms of swift-mustache that templates may apply (`empty(x)`, `first()` …).
private enum Transform: UInt8 {
    case none, empty, count, first, last, index, even, odd, uppercased, lowercased, capitalized, reversed

    init(_ name: String?) {
        switch name {
        case "empty": self = .empty
        case "count": self = .count
        case "first": self = .first
        case "last": self = .last
        case "index": self = .index
        case "even": self = .even
        case "odd": self = .odd
        case "uppercased": self = .uppercased
        case "lowercased": self = .lowercased
        case "capitalized": self = .capitalized
        case "reversed": self = .reversed
        default: self = .none
        }
    }
}

/// One instruction: plain data, so that reading it retains nothing.
private struct Instruction {
    enum Kind: UInt8 { case text, variable, section, inverted, partial, parent, block }

    var kind: Kind
    /// For variables: whether the value is HTML-escaped.
    var escaped = false
    /// text: where its bytes start; variable, section, inverted: the name; partial, parent: the
    /// template's number (-1 when missing); block: the block's number.
    var a: Int32 = 0
    /// text: how many bytes; partial: where the indentation starts.
    var b: Int32 = 0
    /// partial: how many bytes of indentation.
    var c: Int32 = 0
    /// section, inverted, parent, block: the position after the children.
    var end: Int32 = 0
    /// partial, parent: the instructions of the template they name (set once all are compiled).
    var target: Range<Int32> = 0..<0
}

/// Flattens template trees into one program.
private struct Compiler {
    let templateNames: [String]
    let templateNumbers: [String: Int32]
    var program: [Instruction] = []
    var text: [UInt8] = []
    var names: [FlatName] = []
    var keys: [TemplateKey] = []
    var blockNumbers: [String: Int32] = [:]
    var missing: [String: [String]] = [:]
    private var nameNumbers: [TemplateName: Int32] = [:]

    init(templateNames: [String]) {
        self.templateNames = templateNames
        templateNumbers = Dictionary(uniqueKeysWithValues: templateNames.enumerated().map { ($1, Int32($0)) })
    }

    mutating func compile(_ nodes: [TemplateNode], in template: String) {
        for node in nodes {
            switch node {
            case .text(let string):
                let (start, count) = append(string)
                program.append(Instruction(kind: .text, a: start, b: count))
            case .variable(let name, let escaped):
                program.append(Instruction(kind: .variable, escaped: escaped, a: number(of: name)))
            case .section(let name, let children):
                enclose(Instruction(kind: .section, a: number(of: name)), children, in: template)
            case .inverted(let name, let children):
                enclose(Instruction(kind: .inverted, a: number(of: name)), children, in: template)
            case .partial(let name, let indentation):
                let (start, count) = append(indentation)
                program.append(Instruction(kind: .partial, a: reference(name, from: template), b: start, c: count))
            case .parent(let name, let blocks, _):
                let start = program.count
                program.append(Instruction(kind: .parent, a: reference(name, from: template)))
                for (blockName, children) in blocks.sorted(by: { $0.key < $1.key }) { compile([.block(blockName, children)], in: template) }
                program[start].end = Int32(program.count)
            case .block(let name, let children):
                let number = blockNumbers[name] ?? Int32(blockNumbers.count)
                blockNumbers[name] = number
                enclose(Instruction(kind: .block, a: number), children, in: template)
            }
        }
    }

    private mutating func enclose(_ instruction: Instruction, _ children: [TemplateNode], in template: String) {
        let start = program.count
        program.append(instruction)
        compile(children, in: template)
        program[start].end = Int32(program.count)
    }

    private mutating func append(_ string: String) -> (Int32, Int32) {
        let start = Int32(text.count)
        text.append(contentsOf: string.utf8)
        return (start, Int32(text.count) - start)
    }

    private mutating func reference(_ name: String, from template: String) -> Int32 {
        if let number = templateNumbers[name] { return number }
        missing[template, default: []].append(name)
        return -1
    }

    private mutating func number(of name: TemplateName) -> Int32 {
        if let number = nameNumbers[name] { return number }
        let number = Int32(names.count)
        names.append(
            FlatName(first: Int32(keys.count), count: Int32(name.components.count), anchored: name.anchored, transform: Transform(name.transform))
        )
        keys.append(contentsOf: name.components)
        nameNumbers[name] = number
        return number
    }
}

/// Runs the program: the context stack, the loops it is in, the block overrides in force, the output.
private struct Machine {
    let program: UnsafeBufferPointer<Instruction>
    let text: UnsafeBufferPointer<UInt8>
    let names: UnsafeBufferPointer<FlatName>
    let keys: UnsafeBufferPointer<TemplateKey>
    var stack: [TemplateValue] = []
    /// For each frame of the stack, the members of the object it is (empty for other values),
    /// unretained: ``stack`` holds them.
    var objects: [Unmanaged<TemplateObject.Storage>] = []
    /// For each enclosing list section: the element's position and the list's length.
    var loops: [(index: Int, count: Int)] = []
    /// For each block number: the instructions that replace the block's default (empty: none).
    var overrides: [Range<Int32>?]
    var output: [UInt8] = []

    init(
        program: UnsafeBufferPointer<Instruction>,
        text: UnsafeBufferPointer<UInt8>,
        names: UnsafeBufferPointer<FlatName>,
        keys: UnsafeBufferPointer<TemplateKey>,
        blockCount: Int
    ) {
        self.program = program
        self.text = text
        self.names = names
        self.keys = keys
        overrides = Array(repeating: nil, count: blockCount)
        output.reserveCapacity(16 * 1024)
    }

    /// What a frame that is no object has: no members.
    private static let noMembers = TemplateObject().storage

    mutating func push(_ value: TemplateValue) {
        stack.append(value)
        if case .object(let object) = value {
            objects.append(.passUnretained(object.storage))
        } else {
            objects.append(.passUnretained(Self.noMembers))
        }
    }

    mutating func pop() {
        stack.removeLast()
        objects.removeLast()
    }

    mutating func run(_ range: Range<Int32>) {
        var position = range.lowerBound
        while position < range.upperBound {
            let instruction = program[Int(position)]
            switch instruction.kind {
            case .text:
                appendText(instruction.a, instruction.b)
            case .variable:
                if let value = resolve(instruction.a) { append(value, escaped: instruction.escaped) }
            case .section:
                let children = position + 1..<instruction.end
                guard let value = resolve(instruction.a) else { break }
                switch value {
                case .bool(let flag):
                    if flag { run(children) }
                case .list(let items):
                    for (index, item) in items.enumerated() {
                        push(item)
                        loops.append((index, items.count))
                        run(children)
                        loops.removeLast()
                        pop()
                    }
                case .string, .int, .object, .lazy:
                    push(value)
                    run(children)
                    pop()
                }
            case .inverted:
                if !(resolve(instruction.a)?.isTruthy ?? false) { run(position + 1..<instruction.end) }
            case .partial:
                if instruction.c == 0 {
                    run(instruction.target)
                } else {
                    var inner = Machine(program: program, text: text, names: names, keys: keys, blockCount: 0)
                    (inner.stack, inner.objects, inner.loops, inner.overrides) = (stack, objects, loops, overrides)
                    inner.run(instruction.target)
                    appendIndented(inner.output, indentation: instruction.b..<instruction.b + instruction.c)
                }
            case .parent:
                let saved = overrides
                // The most derived template's blocks win: overrides already in force are kept.
                var block = position + 1
                while block < instruction.end {
                    let child = program[Int(block)]
                    if saved[Int(child.a)] == nil { overrides[Int(child.a)] = block + 1..<child.end }
                    block = child.end
                }
                run(instruction.target)
                overrides = saved
            case .block:
                run(overrides[Int(instruction.a)] ?? position + 1..<instruction.end)
            }
            position = instruction.kind == .text || instruction.kind == .variable || instruction.kind == .partial ? position + 1 : instruction.end
        }
    }

    private mutating func appendText(_ start: Int32, _ count: Int32) {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[Int(start)..<Int(start + count)]))
    }

    private mutating func append(_ value: TemplateValue, escaped: Bool) {
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
    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
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
    private mutating func appendIndented(_ inner: [UInt8], indentation: Range<Int32>) {
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

    private func loopTransform(_ transform: Transform) -> TemplateValue? {
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

    private func apply(_ transform: Transform, to value: TemplateValue) -> TemplateValue? {
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
