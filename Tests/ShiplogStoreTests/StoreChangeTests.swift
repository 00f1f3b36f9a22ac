import ShiplogModel
import ShiplogStore
import Testing

/// The text of a change as replicas tell each other about it (SPEC §8): read back as it was
/// written, never over PostgreSQL's 8,000 bytes, and what it cannot tell is read more widely.
@Suite struct StoreChangeTests {
    @Test(arguments: [
        StoreChange(page: "acme", subject: .releases([ReleaseReference(component: "api", version: "1.0.0-beta \"q\"")])),
        StoreChange(page: "acme", subject: .releases([])),
        StoreChange(page: "acme", subject: .deployments(["dep_1", "dep_2"])),
        StoreChange(page: "ünï", subject: .page),
        .keys,
    ])
    func aChangeIsReadBackAsItWasWritten(change: StoreChange) {
        let parsed = StoreChange.parse(payload: change.payload(origin: "3f9a"))
        #expect(parsed?.origin == "3f9a")
        #expect(parsed?.change == change)
    }

    @Test func aChangeTooBigToListIsItsPage() {
        let references = (0..<1_000).map { ReleaseReference(component: "component-\($0)", version: "1.0.\($0)") }
        let payload = StoreChange(page: "acme", subject: .releases(references)).payload(origin: "3f9a")
        #expect(payload.utf8.count <= StoreChange.payloadLimit)
        #expect(StoreChange.parse(payload: payload)?.change == StoreChange(page: "acme", subject: .page))
    }

    @Test func whatIsNotUnderstoodIsReadMoreWidely() {
        // Another program's notification: nothing to go by (the caller reads everything again).
        #expect(StoreChange.parse(payload: "hello") == nil)
        #expect(StoreChange.parse(payload: #"{"page":"acme"}"#) == nil)
        // A newer shiplog's subject on a page: that page.
        let newer = StoreChange.parse(payload: #"{"origin":"b","page":"acme","groups":["1.0"]}"#)
        #expect(newer?.change == StoreChange(page: "acme", subject: .page))
        let odd = StoreChange.parse(payload: #"{"origin":"b","page":"acme","releases":[["api"]]}"#)
        #expect(odd?.change == StoreChange(page: "acme", subject: .page))
    }
}
