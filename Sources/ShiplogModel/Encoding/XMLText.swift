/// Escapes text for XML content and attribute values, leaving out what XML 1.0 cannot carry:
/// control characters other than tab and line breaks, and the noncharacters U+FFFE and U+FFFF
/// (a Swift string holds no lone surrogates). One release's text must never make a feed unreadable.
public func escapeXML(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes in
        guard bytes.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 < 0x20 || $0 == 0xEF }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x26: output += "&amp;".utf8
            case 0x3C: output += "&lt;".utf8
            case 0x3E: output += "&gt;".utf8
            case 0x22: output += "&quot;".utf8
            case 0x09, 0x0A, 0x0D: output.append(byte)
            case ..<0x20: break
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            case 0xEF where index + 1 < bytes.count && bytes[index] == 0xBF && bytes[index + 1] >= 0xBE: index += 2
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
