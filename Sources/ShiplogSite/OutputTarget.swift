import Foundation
import ShiplogModel

/// What producing one file did.
struct WriteResult: Sendable {
    var path: String
    var key: Digest
    var stamp: FileStamp
    var wasWritten: Bool
}

/// Where a build writes, and how it makes the result appear all at once.
///
/// - A fresh build writes a complete site into a sibling staging directory, then swaps it with the
///   output directory in one rename, and removes the old site.
/// - An incremental build (the cache describes the output) writes each changed file next to its
///   target (`name.shiplog-new`) and renames them into place only once every file was written;
///   unchanged files are not touched, so their modification times stay.
struct OutputTarget: Sendable {
    static let newSuffix = ".shiplog-new"

    let output: String
    let inPlace: Bool
    /// Where files are written: the staging directory, or the output itself when in place.
    let root: String

    init(output: String, inPlace: Bool) throws(SiteError) {
        self.output = output
        self.inPlace = inPlace && FileSystem.isDirectory(output)
        if self.inPlace {
            root = output
        } else {
            let url = URL(fileURLWithPath: output)
            let parent = url.deletingLastPathComponent().path
            try FileSystem.makeDirectories(parent)
            if FileSystem.exists(output) {
                guard FileSystem.isDirectory(output) else { throw SiteError(.io, "\(output): exists and is not a directory") }
                let ours = FileSystem.exists(output + "/version.json") && FileSystem.exists(output + "/index.html")
                guard ours || FileSystem.isEmptyDirectory(output) else {
                    throw SiteError(
                        .io,
                        "\(output): refusing to replace a directory that shiplog did not build; remove it or choose another --out"
                    )
                }
            }
            root = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).shiplog-staging-\(getpid())").path
            FileSystem.removeTree(root)
            try FileSystem.makeDirectory(root)
        }
    }

    /// Renders (or copies) one file and writes it unless its bytes are what the previous build wrote.
    func produce(_ planned: PlannedOutput, renderer: PageRenderer, theme: Theme, previous: BuildCache.Entry?) throws(SiteError) -> WriteResult {
        if case .asset(let name) = planned.output {
            let bytes = try theme.assets[name]!.bytes()
            return try bytes.withUnsafeBytes { buffer in Result { () throws(SiteError) in try emit(buffer, planned, previous) } }.get()
        }
        let bytes = renderer.render(planned.output)
        return try bytes.withUnsafeBytes { buffer in Result { () throws(SiteError) in try emit(buffer, planned, previous) } }.get()
    }

    private func emit(_ bytes: UnsafeRawBufferPointer, _ planned: PlannedOutput, _ previous: BuildCache.Entry?) throws(SiteError) -> WriteResult {
        let destination = root + "/" + planned.path
        // The cache vouches that the file is as the previous build wrote it: compare the bytes.
        if let previous, inPlace, let old = try? FileSystem.read(destination), old.elementsEqual(bytes) {
            return WriteResult(path: planned.path, key: planned.key, stamp: previous.stamp, wasWritten: false)
        }
        // Every planned path has a folder: the staging or output directory at least.
        let folder = destination.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(destination[..<$0]) } ?? root
        try FileSystem.makeDirectories(folder)
        let stamp = try FileSystem.write(bytes, to: destination + (inPlace ? Self.newSuffix : ""))
        return WriteResult(path: planned.path, key: planned.key, stamp: stamp, wasWritten: true)
    }

    /// Makes the new site visible: the swap, or the renames into place, then removals.
    func commit(written: [String], removed: [String]) throws(SiteError) {
        if inPlace {
            for path in written { try FileSystem.rename(root + "/" + path + Self.newSuffix, root + "/" + path) }
            for path in removed {
                FileSystem.remove(root + "/" + path)
                removeEmptyFolders(above: path)
            }
        } else if FileSystem.exists(output) {
            try FileSystem.exchange(root, output)
            FileSystem.removeTree(root)
        } else {
            try FileSystem.rename(root, output)
        }
    }

    /// Undoes a build that failed: the staging directory goes, or the half-written new files and
    /// the folders made for them (a new release's), so the output is as it was.
    func rollback(written: [String]) {
        if inPlace {
            for path in written {
                FileSystem.remove(root + "/" + path + Self.newSuffix)
                removeEmptyFolders(above: path)
            }
        } else {
            FileSystem.removeTree(root)
        }
    }

    /// Removes the folders of `path` that are empty, innermost first (a built site has none).
    private func removeEmptyFolders(above path: String) {
        var directory = (path as NSString).deletingLastPathComponent
        while !directory.isEmpty {
            FileSystem.removeDirectoryIfEmpty(root + "/" + directory)
            directory = (directory as NSString).deletingLastPathComponent
        }
    }
}
