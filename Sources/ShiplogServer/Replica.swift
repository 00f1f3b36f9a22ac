import Foundation
import Logging
import ShiplogMacroSupport
import ShiplogStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process among the replicas that deliver one outbox (SPEC §8), named in the leases of what
/// it claims: `HOST:BOOT:PIDNS:PID:NONCE`. The host, the kernel's boot id and the PID namespace
/// (Linux) say where the process runs, so a replica starting on the same machine (and in the same
/// container) can tell that a lease holder there is gone.
@MemberwiseInit
struct Replica: Sendable, Hashable, CustomStringConvertible {
    var host: String
    /// `/proc/sys/kernel/random/boot_id`: one kernel, since it booted (host names can repeat).
    var boot: String
    /// The PID namespace (`/proc/self/ns/pid`'s inode); empty where there is none to read.
    var namespace: String
    var pid: Int32
    /// Random, so a reused PID is another replica.
    var nonce: String

    var description: String { "\(host):\(boot):\(namespace):\(pid):\(nonce)" }

    /// This process.
    static let current: Replica = {
        var name = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&name, name.count - 1) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? ""
        let namespace = String(link.filter(\.isNumber))
        let boot = ((try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "")
            .filter { $0.isHexDigit || $0 == "-" }
        let nonce = UUID().uuidString.prefix(8).lowercased()
        return Replica(
            host: host.replacingOccurrences(of: ":", with: "-"),
            boot: boot,
            namespace: namespace,
            pid: getpid(),
            nonce: nonce
        )
    }()

    /// The replica a lease names; nil for a name of another form.
    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5, let pid = Int32(parts[3]) else { return nil }
        self.init(host: String(parts[0]), boot: String(parts[1]), namespace: String(parts[2]), pid: pid, nonce: String(parts[4]))
    }

    /// Whether this replica is certainly gone: it ran on this machine since its last boot, in this
    /// PID namespace, and no process has its PID any more, or only a zombie (killed, not yet reaped
    /// by its parent, as when a supervisor restarts it at once). (A PID another process has taken
    /// since makes it look alive: its leases then end with time.)
    var isGoneFromHere: Bool {
        let here = Replica.current
        guard self != here, host == here.host, !boot.isEmpty, boot == here.boot, !namespace.isEmpty, namespace == here.namespace, pid > 0
        else { return false }
        if kill(pid, 0) != 0 { return errno == ESRCH }
        return Self.isZombie(pid)
    }

    /// Whether process `pid` has ended and only waits to be reaped: state `Z` (or `X`) in
    /// `/proc/PID/stat`, after the command name's closing parenthesis.
    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let end = stat.lastIndex(of: ")") else {
            return false
        }
        let state = stat[stat.index(after: end)...].first { $0 != " " }
        return state == "Z" || state == "X"
    }

    /// Ends the leases of replicas that ran on this machine and are gone (a server killed with
    /// `kill -9` and started again): their mail and webhook deliveries go out at once rather
    /// than when the leases end. Replicas elsewhere are taken over when their leases end.
    static func takeOverGoneReplicas(store: any Store, logger: Logger) async {
        do {
            for holder in try await store.leaseHolders() {
                guard let replica = Replica(holder), replica.isGoneFromHere else { continue }
                let released = try await store.releaseLeases(owner: holder)
                let abandoned = try await store.giveUpAbandonedMail(owner: holder)
                logger.notice("took over \(released) outbox item(s) of replica \(holder), which is gone")
                if abandoned > 0 {
                    logger.warning(
                        "\(abandoned) mail(s) of replica \(holder) were being handed to the SMTP server when it stopped: failed, not sent again"
                    )
                }
            }
        } catch {
            logger.error("outbox: cannot look at the leases of other replicas: \(error)")
        }
    }
}
