import Synchronization

/// A value a template can show: typed, so that rendering needs no dynamic casts.
enum TemplateValue: Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    /// A string made the first time a template looks it up (objects hand it out as a ``string(_:)``).
    case lazy(LazyText)
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
        case .string, .int, .object, .lazy: true
        }
    }

    /// The value with a lazy string made.
    var resolved: TemplateValue {
        if case .lazy(let text) = self { return .string(text.value) }
        return self
    }
}

/// Text made the first time it is needed, then kept: the rendered notes of a release, which a
/// page that lists the release may not show.
final class LazyText: Sendable {
    private let make: @Sendable () -> String
    private let made = Mutex<String?>(nil)

    init(_ make: @escaping @Sendable () -> String) {
        self.make = make
    }

    var value: String {
        made.withLock { text in
            if let text { return text }
            let new = make()
            text = new
            return new
        }
    }
}

/// The members of a template context object.
///
/// Kept as a short list rather than a dictionary: pages have a few dozen members, and comparing
/// small strings is cheaper than hashing them, both to build the object and to look names up.
struct TemplateObject: Sendable, ExpressibleByDictionaryLiteral {
    private(set) var members: [(key: String, value: TemplateValue)]

    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        members = []
        members.reserveCapacity(elements.count + 8)
        for (key, value) in elements { members.append((key, value)) }
    }

    /// The value of `key`, if any.
    func value(_ key: String) -> TemplateValue? {
        for member in members where member.key == key { return member.value.resolved }
        return nil
    }

    /// The members as a dictionary.
    var dictionary: [String: TemplateValue] {
        Dictionary(members.map { ($0.key, $0.value.resolved) }, uniquingKeysWith: { _, last in last })
    }

    /// Reads or sets a member; setting nil removes it (an absent value is falsy in sections).
    subscript(key: String) -> TemplateValue? {
        get { value(key) }
        set {
            if let position = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[position].value = newValue } else { members.remove(at: position) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Sets a string member when `value` is present.
    subscript(string key: String) -> String? {
        get { if case .string(let text) = value(key) { text } else { nil } }
        set { self[key] = newValue.map(TemplateValue.string) }
    }
}

extension TemplateValue {
    /// A list of objects.
    static func objects(_ objects: [TemplateObject]) -> TemplateValue { .list(objects.map(TemplateValue.object)) }

    /// A list of strings.
    static func strings(_ strings: [String]) -> TemplateValue { .list(strings.map(TemplateValue.string)) }
}
