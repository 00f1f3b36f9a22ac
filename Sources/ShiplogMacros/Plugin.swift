import SwiftCompilerPlugin
import SwiftSyntaxMacros

@main
struct ShiplogMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [MemberwiseInitMacro.self]
}
