import Foundation
import ShiplogModel

/// The templates and static assets a site is rendered with: the default theme, overridden file by file.
public struct Theme: Sendable {
    /// The page templates every theme must have.
    public static let requiredTemplates = ["layout", "index", "component", "release", "group", "404"]

    let library: TemplateLibrary
    /// Output path → the file it is copied from, for every non-template file.
    let assets: [String: String]
    /// A fingerprint of every template and asset, so that a theme change re-renders the site.
    let fingerprint: Digest

    /// Loads `directory`, then lets each file of `overrides` replace the file of the same relative path.
    public init(directory: String, overrides: String? = nil) throws(SiteError) {
        var files: [String: String] = [:]
        try Self.collect(directory, into: &files)
        if let overrides { try Self.collect(overrides, into: &files) }
        var templates: [String: CompiledTemplate] = [:]
        var assets: [String: String] = [:]
        var fingerprint = Fingerprint("theme")
        for name in files.keys.sorted() {
            let source = files[name]!
            guard let data = FileManager.default.contents(atPath: source) else {
                throw SiteError(.io, "\(source): cannot read the file")
            }
            fingerprint.add(name)
            data.withUnsafeBytes { fingerprint.add(bytes: $0) }
            if name.hasSuffix(".mustache") {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw SiteError(.template, "\(source): the template is not valid UTF-8")
                }
                do {
                    templates[String(name.dropLast(".mustache".count))] = try TemplateParser.parse(text)
                } catch {
                    throw SiteError(.template, "\(source): \(error)")
                }
            } else {
                assets[name] = source
            }
        }
        for name in Self.requiredTemplates where templates[name] == nil {
            throw SiteError(.template, "\(directory): the theme has no \(name).mustache")
        }
        let library = TemplateLibrary(templates: templates)
        for name in templates.keys.sorted() {
            if let missing = library.missingReferences(of: name).first {
                throw SiteError(
                    .template,
                    "\(files[name + ".mustache"]!): uses {{>\(missing)}} or {{<\(missing)}}, but the theme has no \(missing).mustache"
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

    private static func collect(_ directory: String, into files: inout [String: String]) throws(SiteError) {
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
            files[relative] = path
        }
    }
}
