import Hummingbird
import ShiplogModel

/// What requests of the app-releases dialect carry, checked as its FastAPI service did: every
/// problem is a 422 `detail` item naming its place (`["query", "limit"]`, `["body", "release_tag"]`).
enum AppReleaseInput {
    /// The list's query: `include_archived` (false), `limit` 1–200 (50) and `cursor`.
    struct ListQuery {
        var includeArchived = false
        var limit = 50
        var cursor: String?
    }

    /// The body of `POST …/releases`.
    struct NewRelease {
        var tag: String
        var description: String?
        var changeLog: String?
    }

    static let listParameters: Set<String> = ["include_archived", "limit", "cursor"]

    static func listQuery(_ request: Request) throws(AppsError) -> ListQuery {
        var query = ListQuery()
        var items = unknownQuery(request, known: listParameters)
        let parameters = request.uri.queryParameters
        if let text = parameters.get("include_archived") {
            switch text.lowercased() {
            case "true", "1", "yes", "on", "t", "y": query.includeArchived = true
            case "false", "0", "no", "off", "f", "n": query.includeArchived = false
            default:
                items.append(
                    AppsError.item(
                        ["query", "include_archived"],
                        "Input should be a valid boolean, unable to interpret input",
                        type: "bool_parsing",
                        input: .string(text)
                    )
                )
            }
        }
        if let text = parameters.get("limit") {
            // FastAPI's answers for `limit: int = Query(ge=1, le=200)`.
            var problem: (message: String, type: String, ctx: [JSONMember])?
            switch Int(text) {
            case nil: problem = ("Input should be a valid integer, unable to parse string as an integer", "int_parsing", [])
            case let limit? where limit < 1:
                problem = ("Input should be greater than or equal to 1", "greater_than_equal", [JSONMember("ge", .int(1))])
            case let limit? where limit > 200:
                problem = ("Input should be less than or equal to 200", "less_than_equal", [JSONMember("le", .int(200))])
            case let limit?: query.limit = limit
            }
            if let problem {
                items.append(AppsError.item(["query", "limit"], problem.message, type: problem.type, input: .string(text), ctx: problem.ctx))
            }
        }
        if let cursor = parameters.get("cursor"), !cursor.isEmpty { query.cursor = cursor }
        if !items.isEmpty { throw AppsError.unprocessable(items) }
        return query
    }

    /// Refuses query parameters the route does not know (SPEC §6.1: never silently ignored), besides `access_token`.
    static func requireKnownQuery(_ request: Request, _ known: Set<String> = []) throws(AppsError) {
        let items = unknownQuery(request, known: known)
        if !items.isEmpty { throw AppsError.unprocessable(items) }
    }

    private static func unknownQuery(_ request: Request, known: Set<String>) -> [JSONValue] {
        var seen: Set<String> = []
        var items: [JSONValue] = []
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard !known.contains(name), !Listing.alwaysAllowed.contains(name), seen.insert(name).inserted else { continue }
            items.append(AppsError.item(["query", name], "Extra inputs are not permitted", type: "extra_forbidden", input: .string(String(value))))
        }
        return items
    }

    static let bodyFields: Set<String> = ["release_tag", "description", "change_log"]

    /// `{release_tag, description?, change_log?}`: the tag a string, the texts strings or null, nothing else.
    static func newRelease(_ body: JSONValue) throws(AppsError) -> NewRelease {
        guard case .object(let members) = body else {
            throw AppsError.unprocessable([
                AppsError.item(
                    ["body"],
                    "Input should be a valid dictionary or object to extract fields from",
                    type: "model_attributes_type",
                    input: body
                )
            ])
        }
        var items: [JSONValue] = []
        for member in members where !bodyFields.contains(member.key) {
            items.append(AppsError.item(["body", member.key], "Extra inputs are not permitted", type: "extra_forbidden", input: member.value))
        }
        var tag: String?
        switch body["release_tag"] {
        case .string(let text)?: tag = text
        case nil: items.append(AppsError.item(["body", "release_tag"], "Field required", type: "missing", input: body))
        case let other?: items.append(AppsError.item(["body", "release_tag"], "Input should be a valid string", type: "string_type", input: other))
        }
        func text(_ name: String) -> String? {
            switch body[name] {
            case .string(let text)?: return text
            case nil, .null?: return nil
            case let other?:
                items.append(AppsError.item(["body", name], "Input should be a valid string", type: "string_type", input: other))
                return nil
            }
        }
        let description = text("description")
        let changeLog = text("change_log")
        guard items.isEmpty, let tag else { throw AppsError.unprocessable(items) }
        return NewRelease(tag: tag, description: description, changeLog: changeLog)
    }

    /// The native release a new app release is: a draft of the path's component; `change_log` (else
    /// `description`) is its notes, and `description` its title when both are given.
    static func release(_ new: NewRelease, component: String) throws(AppsError) -> Release {
        var members = [
            JSONMember("component", .string(component)),
            JSONMember("version", .string(new.tag)),
            JSONMember("status", .string("draft")),
        ]
        if let changeLog = new.changeLog {
            members.append(JSONMember("notes", .string(changeLog)))
            if let description = new.description, description != changeLog { members.append(JSONMember("title", .string(description))) }
        } else if let description = new.description {
            members.append(JSONMember("notes", .string(description)))
        }
        do {
            return try ValueDecoding.release(.object(members), source: "request body")
        } catch {
            throw AppsError(APIError.invalid(error))
        }
    }

    /// A native field name (a JSON path of the release, or a path parameter) in the dialect's words.
    static func dialectField(_ field: String) -> String {
        let root = String(field.prefix { $0 != "." && $0 != "[" })
        let names = [
            "version": "release_tag", "notes": "change_log", "title": "description", "component": "app", "page": "workspace", "id": "release_id",
        ]
        return names[root] ?? field
    }
}
