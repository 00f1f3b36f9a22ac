/// Tells `@word`s that are code (Swift attributes and property wrappers, Objective-C directives,
/// Java and Kotlin annotations, Python decorators) from mentions of people.
///
/// GitHub links a mention only when the user exists, which a static build cannot know; so an
/// `@word` is left as text when it reads as code:
/// - it is followed directly by `(`: an attribute with arguments (`@available(iOS 15, *)`,
///   `@Query(sort: \.date)`);
/// - it is a well-known attribute, property wrapper, macro, annotation or decorator, spelled
///   exactly (``names``): `@preconcurrency`, `@MainActor`, `@Query`, `@Override`, `@dataclass`;
/// - it is followed by one space and a declaration keyword (``declarationKeywords``), as in
///   `@Dependency var clock` or `@Observable final class Model`.
///
/// Everything else that follows the host's user name rules stays a mention: `thanks @compnerd`,
/// `@DougGregor`, `@Octo42`.
enum CodeAttributes {
    /// Whether the mention-like `@name` at `sigil..<end` of `text` reads as code.
    static func isCode(_ text: UnsafeBufferPointer<UInt8>, sigil: Int, end: Int) -> Bool {
        if end < text.count, text[end] == UInt8(ascii: "(") { return true }
        if names.contains(String(decoding: UnsafeBufferPointer(rebasing: text[(sigil + 1)..<end]), as: UTF8.self)) { return true }
        guard end < text.count, text[end] == UInt8(ascii: " ") else { return false }
        var wordEnd = end + 1
        while wordEnd < text.count, ASCII.isLetter(text[wordEnd]) { wordEnd += 1 }
        guard wordEnd > end + 1, !text.startsWithWordCharacter(at: wordEnd) else { return false }
        return declarationKeywords.contains(String(decoding: UnsafeBufferPointer(rebasing: text[(end + 1)..<wordEnd]), as: UTF8.self))
    }

    /// Words that start or qualify a declaration in Swift, Kotlin or Java, and rarely follow a
    /// person's name in prose.
    static let declarationKeywords: Set<String> = [
        "var", "let", "func", "class", "struct", "enum", "actor", "protocol", "extension", "typealias", "init", "import",
        "final", "private", "fileprivate", "public", "static", "override", "mutating", "nonisolated", "fun", "val",
    ]

    /// Attributes, property wrappers, macros, annotations and decorators, spelled exactly.
    static let names: Set<String> = [
        // Swift attributes.
        "available", "backDeployed", "discardableResult", "dynamicCallable", "dynamicMemberLookup", "frozen", "inlinable",
        "inline", "main", "nonobjc", "objc", "objcMembers", "preconcurrency", "propertyWrapper", "resultBuilder", "testable",
        "unchecked", "usableFromInline", "warn_unqualified_access", "autoclosure", "convention", "escaping", "Sendable",
        "MainActor", "globalActor", "TaskLocal", "retroactive", "isolated", "nonisolated", "unknown", "attached",
        "freestanding", "requires_stored_property_inits", "NSApplicationMain", "UIApplicationMain", "NSCopying", "NSManaged",
        "IBAction", "IBOutlet", "IBDesignable", "IBInspectable", "IBSegueAction", "GKInspectable", "lifetime", "export",
        "_spi", "_implementationOnly", "_exported", "_silgen_name", "_cdecl", "_transparent", "_alwaysEmitIntoClient",
        "_disfavoredOverload", "_originallyDefinedIn", "_unsafeInheritExecutor", "_effects", "_spi_available",
        // SwiftUI, SwiftData, Observation, Swift Testing and common macros.
        "State", "Binding", "Bindable", "Published", "ObservedObject", "StateObject", "EnvironmentObject", "Environment",
        "AppStorage", "SceneStorage", "FocusState", "FocusedValue", "FocusedBinding", "FocusedObject", "GestureState",
        "Namespace", "ScaledMetric", "FetchRequest", "SectionedFetchRequest", "AccessibilityFocusState",
        "NSApplicationDelegateAdaptor", "UIApplicationDelegateAdaptor", "WKApplicationDelegateAdaptor", "ViewBuilder",
        "SceneBuilder", "CommandsBuilder", "ToolbarContentBuilder", "TableColumnBuilder", "TableRowBuilder", "Previewable",
        "Entry", "Observable", "ObservationIgnored", "ObservationTracked", "Model", "Query", "Attribute", "Relationship",
        "Transient", "Test", "Suite", "Dependency", "DependencyClient", "Reducer", "ObservableState", "Presents", "Shared",
        "CasePathable",
        // Objective-C directives.
        "interface", "implementation", "synthesize", "selector", "autoreleasepool", "synchronized", "property", "protocol",
        "encode", "compatibility_alias",
        // Java and Kotlin annotations.
        "Override", "Deprecated", "SuppressWarnings", "FunctionalInterface", "SafeVarargs", "Nullable", "NonNull", "Nonnull",
        "NotNull", "Inject", "Autowired", "Bean", "RestController", "Before", "After", "BeforeEach", "AfterEach", "BeforeAll",
        "AfterAll", "ParameterizedTest", "Composable", "Preview", "Serializable", "JvmStatic", "JvmField", "JvmOverloads",
        "JvmName", "Throws", "Volatile", "Synchronized", "Parcelize", "OptIn", "RequiresApi", "UiThread", "MainThread",
        "WorkerThread",
        // Python decorators.
        "staticmethod", "classmethod", "dataclass", "abstractmethod", "cached_property", "functools", "pytest", "overload",
        "override", "contextmanager", "lru_cache",
    ]
}
