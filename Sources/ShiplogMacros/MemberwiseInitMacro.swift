import SwiftSyntax
import SwiftSyntaxBuilder
import SwiftSyntaxMacros

/// The implementation of `@MemberwiseInit` (declared in ShiplogMacroSupport, which documents it).
struct MemberwiseInitMacro: MemberMacro {
    static func expansion(
        of node: AttributeSyntax,
        providingMembersOf declaration: some DeclGroupSyntax,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        // An enum has no stored properties, and an extension cannot add a designated init to a class.
        guard declaration.is(StructDeclSyntax.self) || declaration.is(ClassDeclSyntax.self) || declaration.is(ActorDeclSyntax.self)
        else { throw MemberwiseInitError("@MemberwiseInit applies to a struct, a class or an actor") }
        let unlabeled = try unlabeledCount(node)
        let access = AccessLevel.of(declaration.modifiers)
        let properties = try declaration.memberBlock.members.flatMap { try StoredProperty.all(in: $0.decl, initAccess: access) }
        guard unlabeled <= properties.count else {
            throw MemberwiseInitError("unlabeled: \(unlabeled) is more than the \(properties.count) stored properties")
        }
        let parameters = properties.enumerated().map { index, property in
            property.parameter(labelled: index >= unlabeled)
        }
        let body = properties.map { "self.\($0.name) = \($0.name)" }
        // The init has the type's access level, as a memberwise init written by hand would.
        let text =
            parameters.isEmpty
            ? "\(access.modifier)init() {}"
            : "\(access.modifier)init(\n\(parameters.joined(separator: ",\n"))\n) {\n\(body.joined(separator: "\n"))\n}"
        return [DeclSyntax(stringLiteral: text)]
    }

    /// The `unlabeled:` argument, 0 when absent.
    private static func unlabeledCount(_ node: AttributeSyntax) throws -> Int {
        guard case .argumentList(let arguments) = node.arguments,
            let argument = arguments.first(where: { $0.label?.text == "unlabeled" })
        else { return 0 }
        guard let literal = argument.expression.as(IntegerLiteralExprSyntax.self), let count = Int(literal.literal.text) else {
            throw MemberwiseInitError("unlabeled: takes an integer literal")
        }
        return count
    }
}

/// Why the macro cannot expand; shown as an error on the attribute.
struct MemberwiseInitError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
