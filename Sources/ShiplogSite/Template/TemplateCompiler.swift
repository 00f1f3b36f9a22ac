/// Flattens template trees into one program.
struct TemplateCompiler {
    let templateNames: [String]
    let templateNumbers: [String: Int32]
    var program: [TemplateInstruction] = []
    var text: [UInt8] = []
    var names: [FlatTemplateName] = []
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
                program.append(TemplateInstruction(kind: .text, start: start, count: count))
            case .variable(let name, let escaped):
                program.append(TemplateInstruction(kind: .variable, escaped: escaped, reference: number(of: name)))
            case .section(let name, let children):
                enclose(TemplateInstruction(kind: .section, reference: number(of: name)), children, in: template)
            case .inverted(let name, let children):
                enclose(TemplateInstruction(kind: .inverted, reference: number(of: name)), children, in: template)
            case .partial(let name, let indentation):
                let (start, count) = append(indentation)
                program.append(TemplateInstruction(kind: .partial, reference: reference(name, from: template), start: start, count: count))
            case .parent(let name, let blocks, _):
                let start = program.count
                program.append(TemplateInstruction(kind: .parent, reference: reference(name, from: template)))
                for (blockName, children) in blocks.sorted(by: { $0.key < $1.key }) { compile([.block(blockName, children)], in: template) }
                program[start].end = Int32(program.count)
            case .block(let name, let children):
                let number = blockNumbers[name] ?? Int32(blockNumbers.count)
                blockNumbers[name] = number
                enclose(TemplateInstruction(kind: .block, reference: number), children, in: template)
            }
        }
    }

    private mutating func enclose(_ instruction: TemplateInstruction, _ children: [TemplateNode], in template: String) {
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
            FlatTemplateName(
                first: Int32(keys.count),
                count: Int32(name.components.count),
                anchored: name.anchored,
                transform: TemplateTransform(name.transform)
            )
        )
        keys.append(contentsOf: name.components)
        nameNumbers[name] = number
        return number
    }
}
