import ShiplogModel

/// A ``StoreChange`` as the text of a notification, with the process that made it:
///
/// ```json
/// {"origin":"3f9a…","page":"acme","releases":[["api","1.2.0"]]}
/// {"origin":"3f9a…","page":"acme","deployments":["dep_…"]}
/// {"origin":"3f9a…","page":"acme","changed":"page"}
/// {"origin":"3f9a…","changed":"keys"}
/// ```
///
/// PostgreSQL's payloads hold less than 8,000 bytes: a change too big to list says "page" instead.
extension StoreChange {
    /// The most a payload may hold (PostgreSQL refuses 8,000 bytes and more).
    public static let payloadLimit = 7_999

    /// The payload of this change made by `origin`: the page alone when the list would not fit.
    public func payload(origin: String) -> String {
        var members = [JSONMember("origin", .string(origin))]
        if let page { members.append(JSONMember("page", .string(page))) }
        let whole = members
        switch subject {
        case .releases(let references):
            let list = references.map { JSONValue.array([.string($0.component), .string($0.version)]) }
            members.append(JSONMember("releases", .array(list)))
        case .deployments(let ids):
            members.append(JSONMember("deployments", .array(ids.map(JSONValue.string))))
        case .page:
            members.append(JSONMember("changed", .string("page")))
        case .keys:
            members.append(JSONMember("changed", .string("keys")))
        }
        let text = JSONWriter.write(.object(members), pretty: false)
        guard text.utf8.count > Self.payloadLimit else { return text }
        return JSONWriter.write(.object(whole + [JSONMember("changed", .string("page"))]), pretty: false)
    }

    /// The change a payload describes and the process that made it; nil when the payload is not
    /// one (another program's, or a newer shiplog's that says more than this one understands:
    /// the caller reads everything again). A subject this version does not know, on a page it
    /// names, is that page changed.
    public static func parse(payload: String) -> (origin: String, change: StoreChange)? {
        guard let value = try? JSONParser.parse(payload), case .string(let origin)? = value["origin"] else { return nil }
        var page: String?
        if case .string(let named)? = value["page"] { page = named }
        if case .array(let list)? = value["releases"], let page {
            var references: [ReleaseReference] = []
            for item in list {
                guard case .array(let pair) = item, pair.count == 2, case .string(let component) = pair[0], case .string(let version) = pair[1]
                else { return (origin, StoreChange(page: page, subject: .page)) }
                references.append(ReleaseReference(component: component, version: version))
            }
            return (origin, StoreChange(page: page, subject: .releases(references)))
        }
        if case .array(let list)? = value["deployments"], let page {
            var ids: [String] = []
            for item in list {
                guard case .string(let id) = item else { return (origin, StoreChange(page: page, subject: .page)) }
                ids.append(id)
            }
            return (origin, StoreChange(page: page, subject: .deployments(ids)))
        }
        if case .string("keys")? = value["changed"] { return (origin, .keys) }
        guard let page else { return nil }
        return (origin, StoreChange(page: page, subject: .page))
    }
}
