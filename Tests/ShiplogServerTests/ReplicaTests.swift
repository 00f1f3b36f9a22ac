import Foundation
import Testing

@testable import ShiplogServer

/// The names replicas give their outbox leases (SPEC §8), and which holders are known to be gone.
@Suite struct ReplicaTests {
    @Test func aReplicaIsNamedByHostNamespaceProcessAndNonce() throws {
        let current = Replica.current
        #expect(current.pid == ProcessInfo.processInfo.processIdentifier && !current.host.isEmpty && current.nonce.count == 8)
        #expect(Replica(current.description) == current)
        #expect(Replica("not a replica") == nil && Replica("a:b:c:d:e") == nil && Replica("a:b:c:1") == nil)
        #expect(!current.isGoneFromHere)
    }

    @Test func aReplicaOfThisMachineWhoseProcessEndedIsGone() throws {
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        var replica = Replica.current
        replica.pid = ended.processIdentifier
        replica.nonce = "00000000"
        #expect(replica.isGoneFromHere == !(replica.namespace.isEmpty || replica.boot.isEmpty))
        // Elsewhere (another host or PID namespace), only the lease's end says it is gone.
        var elsewhere = replica
        elsewhere.host += "-other"
        #expect(!elsewhere.isGoneFromHere)
        elsewhere = replica
        elsewhere.namespace = "1"
        #expect(!elsewhere.isGoneFromHere)
        elsewhere = replica
        elsewhere.boot = "00000000-0000-0000-0000-000000000000"
        #expect(!elsewhere.isGoneFromHere)
        // A process that runs is not gone.
        replica.pid = 1
        #expect(!replica.isGoneFromHere)
    }

    /// A replica killed and restarted at once: its process has ended but its parent has not reaped
    /// it yet. Its PID still answers `kill(pid, 0)`, but it is gone.
    @Test func aReplicaWhoseProcessIsAZombieIsGone() throws {
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { for argument in arguments { free(argument) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, arguments, nil) == 0)
        // Not reaped: wait until it has ended (a zombie) without waiting for it.
        var tries = 0
        while !Replica.isZombie(pid) && tries < 500 {
            usleep(10_000)
            tries += 1
        }
        #expect(Replica.isZombie(pid))
        #expect(kill(pid, 0) == 0, "a zombie still answers kill(pid, 0)")
        var replica = Replica.current
        replica.pid = pid
        replica.nonce = "00000000"
        #expect(replica.isGoneFromHere == !(replica.namespace.isEmpty || replica.boot.isEmpty))
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(!Replica.isZombie(ProcessInfo.processInfo.processIdentifier))
    }
}
