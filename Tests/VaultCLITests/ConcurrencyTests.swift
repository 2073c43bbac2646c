import Foundation
import GRDB
import Testing

/// Several CLI processes writing at once serialise through SQLite and lose nothing.
struct ConcurrencyTests {
    @Test func fourProcessesAddingTwoHundredEachLoseNothing() throws {
        let sandbox = Sandbox()
        sandbox.initVault()
        let script =
            "for i in $(seq 1 200); do printf 'value-%s-%s' \"$W\" \"$i\" | \"$VAULT\" add \"w$W/s$i\" 2>/dev/null || exit 1; done"
        let writers = (1...4).map { worker in
            sandbox.process.start("/bin/sh", ["-c", script], env: ["W": "\(worker)", "VAULT": VaultProcess.binary])
        }
        for writer in writers { #expect(writer.wait().status == 0) }
        let queue = try DatabaseQueue(path: sandbox.vaultHome + "/vault.db")
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM secrets") } == 800)
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(sandbox.process.vault("get", "w3/s117").out == "value-3-117")
        // Every one of the 800 writers' unlock and add records made it into one unbroken audit chain.
        let verified = sandbox.process.vault("audit", "verify")
        #expect(verified.status == 0, "\(verified.out)\(verified.err)")
        #expect(verified.out.contains("intact"), "\(verified.out)\(verified.err)")
        let adds = sandbox.process.vault("audit", "--json").out.split(separator: "\n").filter {
            $0.contains("\"op\":\"add\"")
        }
        #expect(adds.count == 800)
    }
}
