/// Adds the memberwise `init` that Swift synthesises only as internal, with the type's own access
/// level: a public type gets a public init without writing it by hand (issue 17).
///
/// The init takes one parameter per stored instance property, in declaration order, labelled by
/// the property's name. A `var` with an initial value makes that value the parameter's default,
/// an Optional `var` without one defaults to nil, and a `let` with an initial value is not a
/// parameter, as in Swift's own memberwise init. Nor is a property with a value that the init's
/// callers could not set (`public internal(set) var sent = false` in a public type). Closure-typed
/// parameters are `@escaping`.
///
/// - Parameter unlabeled: how many leading parameters have no argument label
///   (`MailHeader("To", address)`).
@attached(member, names: named(init))
public macro MemberwiseInit(unlabeled: Int = 0) = #externalMacro(module: "ShiplogMacros", type: "MemberwiseInitMacro")
