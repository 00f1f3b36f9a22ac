import Foundation
import ShiplogEmbedded
import ShiplogModel

/// The templates and static assets a site is rendered with: the default theme, overridden file by file.
public struct Theme: Sendable {
    /// The page templates every theme must have.
    public static let requiredTemplates = ["layout", "index", "component", "release", "group", "404"]

    let library: TemplateLibrary
    /// Output path → where its bytes come from, for every non-template file.
    let assets: [String: ThemeFile]
    /// A fingerprint of every template and asset, so that a theme change re-renders the site.
    let fingerprint: Digest

    /// Loads `directory` (nil: the default theme built into the binary), then lets each file of
    /// `overrides` replace the file of the same relative path.
    public init(directory: String?, overrides: String? = nil) throws(SiteError) {
        var files: [String: ThemeFile] = [:]
        if let directory {
            try Self.collect(directory, into: &files)
        } else {
            for (name, bytes) in EmbeddedTheme.files { files[name] = .embedded(name, bytes) }
        }
        if let overrides { try Self.collect(overrides, into: &files) }
        var templates: [String: CompiledTemplate] = [:]
        var assets: [String: ThemeFile] = [:]
        var fingerprint = Fingerprint("theme")
        for name in files.keys.sorted() {
            let file = files[name]!
            let data = try file.bytes()
            fingerprint.add(name)
            data.withUnsafeBytes { fingerprint.add(bytes: $0) }
            if name.hasSuffix(".mustache") {
                guard let text = String(validating: data, as: UTF8.self) else {
                    throw SiteError(.template, "\(file.source): the template is not valid UTF-8")
                }
                do {
                    templates[String(name.dropLast(".mustache".count))] = try TemplateParser.parse(text)
                } catch {
                    throw SiteError(.template, "\(file.source): \(error)")
                }
            } else {
                assets[name] = file
            }
        }
        for name in Self.requiredTemplates where templates[name] == nil {
            throw SiteError(.template, "\(directory ?? EmbeddedTheme.label): the theme has no \(name).mustache")
        }
        let library = TemplateLibrary(templates: templates)
        for name in templates.keys.sorted() {
            if let missing = library.missingReferences(of: name).first {
                throw SiteError(
                    .template,
                    "\(files[name + ".mustache"]!.source): uses {{>\(missing)}} or {{<\(missing)}}, but the theme has no \(missing).mustache"
                )
            }
        }
        self.library = library
        self.assets = assets
        self.fingerprint = fingerprint.finalize()
    }

    /// Renders the template `name` with `context`.
    func render(_ name: String, _ context: TemplateObject) -> String {
        library.render(name, context)
    }

    /// Renders the template `name` with `context` as UTF-8.
    func renderBytes(_ name: String, _ context: TemplateObject) -> [UInt8] {
        library.renderBytes(name, context)
    }

    private static func collect(_ directory: String, into files: inout [String: ThemeFile]) throws(SiteError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SiteError(.io, "\(directory): the templates directory does not exist")
        }
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw SiteError(.io, "\(directory): cannot list the templates directory")
        }
        let base = URL(fileURLWithPath: directory)
        while let relative = enumerator.nextObject() as? String {
            let path = base.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            files[relative] = .file(path)
        }
    }
}

/// One file of a theme: on disk (a `--templates` folder) or built into the binary.
enum ThemeFile: Sendable {
    case file(String)
    case embedded(String, [UInt8])

    /// The path error messages name.
    var source: String {
        switch self {
        case .file(let path): path
        case .embedded(let name, _): "\(EmbeddedTheme.label)/\(name)"
        }
    }

    func bytes() throws(SiteError) -> [UInt8] {
        switch self {
        case .file(let path): try FileSystem.read(path)
        case .embedded(_, let bytes): bytes
        }
    }
}
