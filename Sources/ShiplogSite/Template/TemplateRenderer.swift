/// Compiled templates by name (the file path below the theme folder without `.mustache`).
///
/// The templates' trees are flattened into one program of plain instructions over one text
/// buffer, with partials and parents resolved to positions: rendering reads them without
/// retaining anything, so threads that render at once do not contend for reference counts.
struct TemplateLibrary: Sendable {
    /// Each template's instructions: `program[start..<end]`.
    private let entries: [String: Range<Int32>]
    private let program: [TemplateInstruction]
    private let text: [UInt8]
    private let names: [FlatTemplateName]
    private let keys: [TemplateKey]
    /// Each block name's number, for the overrides in force while rendering.
    private let blockCount: Int
    /// The partials and parents each template names that the library does not have.
    private let missing: [String: [String]]

    init(templates: [String: CompiledTemplate]) {
        var compiler = TemplateCompiler(templateNames: templates.keys.sorted())
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
            compiler.program[position].target = instruction.reference >= 0 ? places[Int(instruction.reference)] : 0..<0
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
                        var machine = TemplateMachine(program: program, text: text, names: names, keys: keys, blockCount: blockCount)
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
struct FlatTemplateName {
    var first: Int32
    var count: Int32
    var anchored: Bool
    var transform: TemplateTransform
}

/// The transforms of swift-mustache that templates may apply (`empty(x)`, `first()` …).
enum TemplateTransform: UInt8 {
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
struct TemplateInstruction {
    enum Kind: UInt8 { case text, variable, section, inverted, partial, parent, block }

    var kind: Kind
    /// For variables: whether the value is HTML-escaped.
    var escaped = false
    /// What the instruction names: variable, section, inverted: the name's number; partial,
    /// parent: the template's number (-1 when missing); block: the block's number.
    var reference: Int32 = 0
    /// Where bytes of the text buffer start: text: its bytes; partial: its indentation.
    var start: Int32 = 0
    /// How many bytes of the text buffer from ``start`` (0: a partial without indentation).
    var count: Int32 = 0
    /// section, inverted, parent, block: the position after the children.
    var end: Int32 = 0
    /// partial, parent: the instructions of the template they name (set once all are compiled).
    var target: Range<Int32> = 0..<0
}
