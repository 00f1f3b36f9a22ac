public import ShiplogModel

/// What a key may do (SPEC §6): `read` may GET, `write` may also change releases, deployments and
/// sites, `admin` may do everything.
public enum KeyScope: String, Sendable, Hashable, CaseIterable, Comparable {
    case read, write, admin

    var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .admin: 2
        }
    }

    public static func < (lhs: KeyScope, rhs: KeyScope) -> Bool { lhs.rank < rhs.rank }
}

/// A key as the store knows it: never its secret.
public struct KeyInfo: Sendable, Hashable {
    public var id: String
    public var page: String
    public var scope: KeyScope
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?
}

/// A key just created: the secret is shown once and never again.
public struct NewKey: Sendable, Hashable {
    public var info: KeyInfo
    public var secret: String
}
