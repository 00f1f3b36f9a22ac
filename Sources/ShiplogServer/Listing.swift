import Hummingbird
import ShiplogModel

/// The shape every list of the native API answers (SPEC §6.1): `{items, next_cursor, has_more,
/// total}`, where `total` counts every item matching the filters across all pages.
enum Listing {
    /// The query parameters a key may always carry (`?access_token=`, SPEC §6).
    static let alwaysAllowed: Set<String> = ["access_token"]

    /// Refuses, with a 400 naming each one, the query parameters that `known` does not list, and
    /// those given more than once: a parameter a route does not know, or the second value of one it
    /// knows, is never silently ignored (SPEC §6.1).
    static func requireKnownQuery(_ request: Request, _ known: Set<String>) throws(APIError) {
        var causes: [APIError.Cause] = []
        var seen: Set<String> = []
        var repeated: Set<String> = []
        for (key, _) in request.uri.queryParameters {
            let name = String(key)
            let isKnown = known.contains(name) || alwaysAllowed.contains(name)
            if seen.insert(name).inserted {
                if !isKnown { causes.append(.init(field: name, error: "unknown query parameter")) }
            } else if isKnown, repeated.insert(name).inserted {
                causes.append(.init(field: name, error: "given more than once"))
            }
        }
        if !causes.isEmpty { throw APIError.invalid("the query is not valid", causes: causes) }
    }

    /// The answer of a list.
    static func answer(_ items: [JSONValue], nextCursor: String?, total: Int) -> Response {
        JSONResponse.make(
            .object([
                JSONMember("items", .array(items)),
                JSONMember("next_cursor", nextCursor.map(JSONValue.string) ?? .null),
                JSONMember("has_more", .bool(nextCursor != nil)),
                JSONMember("total", .int(total)),
            ])
        )
    }

    /// One page of a list held whole in memory, with `?limit=` and an offset `?cursor=`; refuses
    /// any other query parameter than `filters`.
    static func page(_ all: [JSONValue], _ request: Request, filters: Set<String> = []) throws(APIError) -> Response {
        try requireKnownQuery(request, filters.union(["limit", "cursor"]))
        let limit = try RequestInput.limit(request)
        var start = 0
        if let cursor = request.uri.queryParameters.get("cursor"), !cursor.isEmpty {
            guard case .number(let text)? = try Cursor.decode(cursor)["offset"], let offset = Int(text), (0...all.count).contains(offset) else {
                throw APIError.invalid("the query is not valid", causes: [.init(field: "cursor", error: "not a cursor this server gave out")])
            }
            start = offset
        }
        let end = min(all.count, start + limit)
        let next = end < all.count ? Cursor.encode(.object([JSONMember("offset", .int(end))])) : nil
        return answer(Array(all[start..<end]), nextCursor: next, total: all.count)
    }
}
