import ShiplogMacroSupport
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
@MemberwiseInit(unlabeled: 1)
final class LazyText: Sendable {
    private let make: @Sendable () -> String
    private let made = Mutex<String?>(nil)

    var value: String {
        made.withLock { text in
            if let text { return text }
            let new = make()
            text = new
            return new
        }
    }
}

/// A member name with a hash of its bytes: looking a name up compares integers, and the
/// names only when the hashes match.
struct TemplateKey: Sendable, Hashable, ExpressibleByStringLiteral {
    let name: String
    let code: UInt64

    init(_ name: String) {
        self.name = name
        // FNV-1a: names are short, and it needs no state beyond one word.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        code = hash
    }

    init(stringLiteral name: String) { self.init(name) }

    /// The key's bit in an object's summary of the keys it has.
    var bit: UInt64 { 1 &<< (code >> 58) }

    static func == (lhs: TemplateKey, rhs: TemplateKey) -> Bool { lhs.code == rhs.code && lhs.name == rhs.name }
    func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// The members of a template context object.
///
/// Kept as a short list rather than a dictionary: pages have a few dozen members, and comparing
/// the keys' hashes is cheaper than hashing them again, both to build the object and to look names up.
/// A 64-bit summary of the keys present answers most lookups of absent names without a scan.
/// The members live in a class instance that copies share until one of them changes it, so that
/// the renderer can look into an object without retaining it (see ``storage``).
struct TemplateObject: Sendable, ExpressibleByDictionaryLiteral {
    private var members: Storage

    /// The members of an object; changed only while one object holds it (copy on write).
    final class Storage: @unchecked Sendable {
        // Written only while one object holds the storage, so the accesses need no run-time checks.
        @exclusivity(unchecked) fileprivate(set) var list: [(key: TemplateKey, value: TemplateValue)]
        /// One bit per key present (``TemplateKey/bit``).
        @exclusivity(unchecked) fileprivate(set) var keysPresent: UInt64 = 0

        fileprivate init(_ list: [(key: TemplateKey, value: TemplateValue)] = [], keysPresent: UInt64 = 0) {
            self.list = list
            self.keysPresent = keysPresent
        }

        /// Looks up `path`: nil when this object has no first key; else the value at the path, its
        /// first key in this object, the next in that value, and so on (nil where one is missing).
        func find(_ path: UnsafeBufferPointer<TemplateKey>) -> TemplateValue?? {
            guard let first = path.first, let position = position(of: first) else { return nil }
            if path.count == 1 { return .some(list[position].value.resolved) }
            switch list[position].value {
            case .object(let inner): return .some(inner.members.find(UnsafeBufferPointer(rebasing: path.dropFirst())) ?? nil)
            default: return .some(nil)
            }
        }

        fileprivate func position(of key: TemplateKey) -> Int? {
            guard keysPresent & key.bit != 0 else { return nil }
            return list.withUnsafeBufferPointer { buffer in
                buffer.firstIndex { $0.key == key }
            }
        }
    }

    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        members = Storage()
        members.list.reserveCapacity(elements.count + 8)
        for (key, value) in elements { append(TemplateKey(key), value) }
    }

    /// The members, shared with the copies of this object: the renderer holds the object itself
    /// while it looks into them unretained.
    var storage: Storage { members }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&members) { members = Storage(members.list, keysPresent: members.keysPresent) }
    }

    private mutating func append(_ key: TemplateKey, _ value: TemplateValue) {
        makeUnique()
        members.list.append((key, value))
        members.keysPresent |= key.bit
    }

    /// The value of `key`, if any.
    func value(_ key: TemplateKey) -> TemplateValue? {
        guard let position = members.position(of: key) else { return nil }
        return members.list[position].value.resolved
    }

    /// The value of `key`, if any.
    func value(_ key: String) -> TemplateValue? { value(TemplateKey(key)) }

    /// The members as a dictionary.
    var dictionary: [String: TemplateValue] {
        Dictionary(members.list.map { ($0.key.name, $0.value.resolved) }, uniquingKeysWith: { _, last in last })
    }

    /// Reads or sets a member; setting nil removes it (an absent value is falsy in sections).
    subscript(key: String) -> TemplateValue? {
        get { value(key) }
        set {
            let key = TemplateKey(key)
            if let position = members.position(of: key) {
                makeUnique()
                guard let newValue else {
                    members.list.remove(at: position)
                    members.keysPresent = members.list.reduce(0) { $0 | $1.key.bit }
                    return
                }
                members.list[position].value = newValue
            } else if let newValue {
                append(key, newValue)
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
