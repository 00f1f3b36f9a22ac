import Foundation

/// `multipart/form-data` bodies (`curl -F version=v1.2.3`, RFC 7578): each part's name and text value.
enum ReleaseBitsMultipart {
    /// The parts of `bytes` in order; a body that is not well-formed, or a part without a name, a
    /// file or a value that is not UTF-8, is a 400.
    static func pairs(_ bytes: [UInt8], contentType: String) throws(APIError) -> [(String, String)] {
        guard let boundary = parameter("boundary", of: contentType), !boundary.isEmpty, boundary.utf8.count <= 70 else {
            throw invalid("Content-Type", "multipart/form-data needs a boundary")
        }
        let delimiter = Array(("--" + boundary).utf8)
        let crlf: [UInt8] = [0x0D, 0x0A]
        guard var position = bytes.firstRange(of: delimiter)?.upperBound else { throw invalid("body", "no part starts with the boundary") }
        var pairs: [(String, String)] = []
        while true {
            let rest = bytes[position...]
            if rest.starts(with: [0x2D, 0x2D]) { return pairs }  // "--": the last delimiter
            guard rest.starts(with: crlf), let end = bytes[(position + 2)...].firstRange(of: crlf + delimiter) else {
                throw invalid("body", "a part does not end with the boundary")
            }
            let part = bytes[(position + 2)..<end.lowerBound]
            guard let split = part.firstRange(of: crlf + crlf) else { throw invalid("body", "a part has no blank line after its headers") }
            let headers = String(decoding: part[..<split.lowerBound], as: UTF8.self)
            let disposition = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }
            guard let disposition, let name = parameter("name", of: String(disposition)) else {
                throw invalid("body", "a part has no Content-Disposition name")
            }
            if parameter("filename", of: String(disposition)) != nil { throw invalid(name, "files are not taken; send text") }
            guard let value = String(validating: part[split.upperBound...], as: UTF8.self) else { throw invalid(name, "not valid UTF-8") }
            pairs.append((name, value))
            position = end.upperBound
        }
    }

    /// `key=value` or `key="value"` of a header value's `;`-separated parameters.
    static func parameter(_ key: String, of header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            return value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") ? String(value.dropFirst().dropLast()) : value
        }
        return nil
    }

    private static func invalid(_ field: String, _ problem: String) -> APIError {
        APIError.invalid("the form is not valid", causes: [.init(field: field, error: problem)])
    }
}
