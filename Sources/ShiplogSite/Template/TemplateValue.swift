/// A value a template can show: typed, so that rendering needs no dynamic casts.
enum TemplateValue: Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case bool(Bool)
    case int(Int)
    case list([TemplateValue])
    case object(TemplateObject)

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .int(value) }

    /// Whether a section over this value renders (Mustache truthiness).
    var isTruthy: Bool {
        switch self {
        case .bool(let flag): flag
        case .list(let items): !items.isEmpty
        case .string, .int, .object: true
        }
    }
}

/// The members of a template context object.
struct TemplateObject: Sendable, ExpressibleByDictionaryLiteral {
    var values: [String: TemplateValue]

    init(_ values: [String: TemplateValue] = [:]) {
        self.values = values
    }

    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// Reads or sets a member; setting nil removes it (an absent value is falsy in sections).
    subscript(key: String) -> TemplateValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Sets a string member when `value` is present.
    subscript(string key: String) -> String? {
        get { if case .string(let text) = values[key] { text } else { nil } }
        set { values[key] = newValue.map(TemplateValue.string) }
    }
}

extension TemplateValue {
    /// A list of objects.
    static func objects(_ objects: [TemplateObject]) -> TemplateValue { .list(objects.map(TemplateValue.object)) }

    /// A list of strings.
    static func strings(_ strings: [String]) -> TemplateValue { .list(strings.map(TemplateValue.string)) }
}
