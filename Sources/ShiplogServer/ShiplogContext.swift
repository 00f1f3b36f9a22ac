import Hummingbird
import NIOCore

/// The request context of every route: the caller (resolved once, by ``GateMiddleware``) and the client's address.
struct ShiplogContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client as rate limits of anonymous callers count it: its IPv4 address, or the /64 of its
    /// IPv6 address (``ClientAddress/rateLimitKey(_:)``).
    let clientAddress: String
    var caller: Caller = .anonymous
    /// The 400 a write's query parameters earn (``WriteQueryMiddleware``), thrown once the route judged the key.
    var refusedQuery: APIError?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = ClientAddress.rateLimitKey(of: source.channel)
    }

    /// Bodies larger than this are refused with 413.
    var maxUploadSize: Int { ServerLimits.maximumBodySize }
}

enum ServerLimits {
    /// The largest request body taken (release notes are Markdown, rarely more than some KiB).
    static let maximumBodySize = 1 << 20
}
