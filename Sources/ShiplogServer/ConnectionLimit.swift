import Foundation

/// How many connections `serve` holds open at once: the process's file descriptor limit less a
/// reserve for the store, the site's files, webhook and mail sockets. Past it, new connections wait in
/// the listen queue until one closes; without it, a server out of descriptors retried `accept` in a
/// busy loop (a full core) for as long as the flood lasted.
enum ConnectionLimit {
    static let reserve = 64

    static func current() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 - reserve }
        // No limit (RLIM_INFINITY, all ones) counts as Int32.max.
        return max(16, Int(min(UInt64(limit.rlim_cur), UInt64(Int32.max))) - reserve)
    }
}
