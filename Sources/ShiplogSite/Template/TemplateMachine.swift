/// Runs the program: the context stack, the loops it is in, the block overrides in force, the output.
struct TemplateMachine {
    let program: UnsafeBufferPointer<TemplateInstruction>
    let text: UnsafeBufferPointer<UInt8>
    let names: UnsafeBufferPointer<FlatTemplateName>
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
        program: UnsafeBufferPointer<TemplateInstruction>,
        text: UnsafeBufferPointer<UInt8>,
        names: UnsafeBufferPointer<FlatTemplateName>,
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
    static let noMembers = TemplateObject().storage

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
                appendText(instruction.start, instruction.count)
            case .variable:
                if let value = resolve(instruction.reference) { append(value, escaped: instruction.escaped) }
            case .section:
                let children = position + 1..<instruction.end
                guard let value = resolve(instruction.reference) else { break }
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
                if !(resolve(instruction.reference)?.isTruthy ?? false) { run(position + 1..<instruction.end) }
            case .partial:
                if instruction.count == 0 {
                    run(instruction.target)
                } else {
                    var inner = TemplateMachine(program: program, text: text, names: names, keys: keys, blockCount: 0)
                    (inner.stack, inner.objects, inner.loops, inner.overrides) = (stack, objects, loops, overrides)
                    inner.run(instruction.target)
                    appendIndented(inner.output, indentation: instruction.start..<instruction.start + instruction.count)
                }
            case .parent:
                let saved = overrides
                // The most derived template's blocks win: overrides already in force are kept.
                var block = position + 1
                while block < instruction.end {
                    let child = program[Int(block)]
                    if saved[Int(child.reference)] == nil { overrides[Int(child.reference)] = block + 1..<child.end }
                    block = child.end
                }
                run(instruction.target)
                overrides = saved
            case .block:
                run(overrides[Int(instruction.reference)] ?? position + 1..<instruction.end)
            }
            position = instruction.kind == .text || instruction.kind == .variable || instruction.kind == .partial ? position + 1 : instruction.end
        }
    }
}
