import SwiftSyntax

/// A stored instance property that the memberwise init sets.
struct StoredProperty {
    let name: String
    let type: TypeSyntax
    /// The parameter's default value, as written.
    let defaultValue: String?

    /// The properties that `declaration` declares and the init must set: none for anything but a
    /// `var`/`let`, for a static, lazy or computed one, for a `let` that already has its value, or
    /// for one with a value that callers of an init with access `initAccess` could not set
    /// (`public internal(set) var sent = false` in a public type).
    static func all(in declaration: DeclSyntax, initAccess: AccessLevel) throws -> [StoredProperty] {
        guard let variable = declaration.as(VariableDeclSyntax.self) else { return [] }
        let skipped: Set<TokenKind> = [.keyword(.static), .keyword(.class), .keyword(.lazy)]
        guard !variable.modifiers.contains(where: { skipped.contains($0.name.tokenKind) }) else { return [] }
        let isLet = variable.bindingSpecifier.tokenKind == .keyword(.let)
        let keepsItsValue = isLet || AccessLevel.ofSetter(variable.modifiers) < initAccess
        var properties: [StoredProperty] = []
        for (index, binding) in variable.bindings.enumerated() {
            guard !isComputed(binding), !(keepsItsValue && binding.initializer != nil) else { continue }
            guard let identifier = binding.pattern.as(IdentifierPatternSyntax.self) else {
                throw MemberwiseInitError("@MemberwiseInit needs one name per stored property, not a tuple pattern")
            }
            // In `var a, b: Int` only the last binding spells the type.
            let annotation = variable.bindings.dropFirst(index).first { $0.typeAnnotation != nil }?.typeAnnotation
            guard let type = annotation?.type.trimmed else {
                throw MemberwiseInitError("@MemberwiseInit needs the type of '\(identifier.identifier.text)' written out")
            }
            // An Optional `var` without a value starts as nil, so its parameter defaults to nil, as in
            // Swift's own memberwise init.
            let defaultValue = binding.initializer?.value.trimmedDescription ?? (!isLet && isOptional(type) ? "nil" : nil)
            properties.append(StoredProperty(name: identifier.identifier.text, type: type, defaultValue: defaultValue))
        }
        return properties
    }

    /// `name: Type = default`; a closure is `@escaping`, as a stored closure must be.
    func parameter(labelled: Bool) -> String {
        let escaping = Self.isClosure(type) ? "@escaping " : ""
        return "\(labelled ? "" : "_ ")\(name): \(escaping)\(type)" + (defaultValue.map { " = \($0)" } ?? "")
    }

    /// `T?` or `T!`: the spellings that Swift initialises to nil when no value is written.
    private static func isOptional(_ type: TypeSyntax) -> Bool {
        type.is(OptionalTypeSyntax.self) || type.is(ImplicitlyUnwrappedOptionalTypeSyntax.self)
    }

    /// A property with a getter (not just `willSet`/`didSet` observers) stores nothing.
    private static func isComputed(_ binding: PatternBindingSyntax) -> Bool {
        switch binding.accessorBlock?.accessors {
        case nil: false
        case .getter: true
        case .accessors(let accessors):
            accessors.contains { ![.keyword(.willSet), .keyword(.didSet)].contains($0.accessorSpecifier.tokenKind) }
        }
    }

    /// A function type, bare or with attributes (`@Sendable () -> Void`); an Optional closure is
    /// already escaping and takes no `@escaping`.
    private static func isClosure(_ type: TypeSyntax) -> Bool {
        type.is(FunctionTypeSyntax.self) || type.as(AttributedTypeSyntax.self)?.baseType.is(FunctionTypeSyntax.self) == true
    }
}

/// Swift's access levels, in order, as the modifiers of a declaration spell them.
enum AccessLevel: Int, Comparable {
    case `private`, `fileprivate`, `internal`, `package`, `public`

    /// The level of a type, and so of its memberwise init (an `open` class's init is public).
    static func of(_ modifiers: DeclModifierListSyntax) -> AccessLevel {
        modifiers.lazy.compactMap { $0.detail == nil ? level($0.name.tokenKind) : nil }.first ?? .internal
    }

    /// Who may set a property: `internal(set)` when written, else the property's own level.
    static func ofSetter(_ modifiers: DeclModifierListSyntax) -> AccessLevel {
        modifiers.lazy.compactMap { $0.detail?.detail.tokenKind == .identifier("set") ? level($0.name.tokenKind) : nil }.first
            ?? of(modifiers)
    }

    static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The modifier an init of this level is written with: none below package, since a private
    /// type's members are visible where the type is, and a `private init` would not be.
    var modifier: String {
        switch self {
        case .public: "public "
        case .package: "package "
        case .internal, .fileprivate, .private: ""
        }
    }

    private static func level(_ kind: TokenKind) -> AccessLevel? {
        switch kind {
        case .keyword(.public), .keyword(.open): .public
        case .keyword(.package): .package
        case .keyword(.internal): .internal
        case .keyword(.fileprivate): .fileprivate
        case .keyword(.private): .private
        default: nil
        }
    }
}
