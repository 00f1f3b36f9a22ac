import Foundation

/// The default theme and the OpenAPI document, built into the binary (`EmbeddedFiles.swift`, which
/// `scripts/embed-theme` writes from `templates/` and `openapi.yaml`), so a copied `shiplog` works
/// without its checkout.
public enum EmbeddedTheme {
    /// Every file of the default theme: its path below `templates/` → its bytes.
    public static let files: [String: [UInt8]] = {
        var files: [String: [UInt8]] = [:]
        for (path, base64) in embeddedThemeFiles {
            files[path] = decode(base64)
        }
        return files
    }()

    /// The OpenAPI document (`openapi.yaml`) as text.
    public static var openAPIDocument: String {
        String(decoding: decode(embeddedOpenAPIDocument), as: UTF8.self)
    }

    /// The name error messages give the built-in theme, where a folder's path would be.
    public static let label = "(built-in theme)"

    private static func decode(_ base64: String) -> [UInt8] {
        guard let data = Data(base64Encoded: base64) else { preconditionFailure("EmbeddedFiles.swift holds invalid base64") }
        return [UInt8](data)
    }
}
