/// A README badge (SPEC §9): a label on the left, a message on the right, in the colours of
/// shields.io's "flat" style, as an SVG drawn here and as shields.io's endpoint document.
public struct Badge: Sendable, Hashable {
    /// The colours badges use, by the names shields.io knows them by.
    public enum Color: String, Sendable, Hashable, CaseIterable {
        /// A released version.
        case blue
        /// A pre-release.
        case orange
        /// A yanked release.
        case red
        /// Nothing to show ("none").
        case lightgrey

        /// The fill shields.io draws this colour with, so both badges look alike.
        public var hex: String {
            switch self {
            case .blue: "#007ec6"
            case .orange: "#fe7d37"
            case .red: "#e05d44"
            case .lightgrey: "#9f9f9f"
            }
        }
    }

    /// The left text (a component or an environment).
    public var label: String
    /// The right text (a version, or "none").
    public var message: String
    public var color: Color

    /// The fill of the label's half (shields' default).
    static let labelFill = "#555"
    /// Space left and right of each text, in pixels.
    static let padding = 5

    /// shields.io's endpoint document, exactly `{"schemaVersion":1,"label":…,"message":…,"color":…}`
    /// (shields refuses any other key), followed by a newline.
    public var endpointJSON: String {
        let document = JSONValue.object([
            JSONMember("schemaVersion", .number("1")),
            JSONMember("label", .string(label)),
            JSONMember("message", .string(message)),
            JSONMember("color", .string(color.rawValue)),
        ])
        return JSONWriter.write(document, pretty: false) + "\n"
    }

    /// The width of a text in pixels as Verdana 11px draws it (rounded up).
    public static func textWidth(_ text: String) -> Int {
        (VerdanaWidths.width(of: text) + 9) / 10
    }

    /// The badge as a standalone SVG in the "flat" style: two rectangles with 3px rounded outer
    /// corners, a light gradient, white Verdana 11px text with a 1px dark shadow. It carries its own
    /// backgrounds, so it reads the same on light and dark pages; it loads nothing.
    public var svg: String {
        let labelWidth = label.isEmpty ? 0 : Self.textWidth(label) + 2 * Self.padding
        let messageWidth = Self.textWidth(message) + 2 * Self.padding
        let width = labelWidth + messageWidth
        let title = escapeXML(label.isEmpty ? message : "\(label): \(message)")
        var svg =
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="20" role="img" aria-label="\##(title)">"##
            + "<title>\(title)</title>"
            + ##"<linearGradient id="shiplog-badge-shine" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>"##
            + ##"<clipPath id="shiplog-badge-round"><rect width="\##(width)" height="20" rx="3" fill="#fff"/></clipPath>"##
            + ##"<g clip-path="url(#shiplog-badge-round)">"##
        if labelWidth > 0 { svg += ##"<rect width="\##(labelWidth)" height="20" fill="\##(Self.labelFill)"/>"## }
        svg +=
            ##"<rect x="\##(labelWidth)" width="\##(messageWidth)" height="20" fill="\##(color.hex)"/>"##
            + ##"<rect width="\##(width)" height="20" fill="url(#shiplog-badge-shine)"/></g>"##
            + ##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">"##
        if labelWidth > 0 { svg += Self.text(label, centre: labelWidth * 5) }
        svg += Self.text(message, centre: labelWidth * 10 + messageWidth * 5)
        return svg + "</g></svg>\n"
    }

    /// One text and its shadow, drawn at ten times the size and scaled down (finer positions),
    /// squeezed or stretched to the measured width so no font can make it overflow.
    private static func text(_ text: String, centre: Int) -> String {
        let length = VerdanaWidths.width(of: text)
        let escaped = escapeXML(text)
        let shadow = ##"<text aria-hidden="true" x="\##(centre)" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)""##
        return shadow + ##" textLength="\##(length)">\##(escaped)</text>"##
            + ##"<text x="\##(centre)" y="140" transform="scale(.1)" fill="#fff" textLength="\##(length)">\##(escaped)</text>"##
    }
}
