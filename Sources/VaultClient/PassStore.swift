import Foundation
public import VaultCore

/// Reading a pass (passwordstore.org) store through `pass show`.
public enum PassStore {
    /// The entries (paths without `.gpg`) under `prefix`, sorted.
    public static func entries(in store: String, under prefix: String?) throws(VaultError) -> [String] {
        let root = prefix.map { store + "/" + $0 } ?? store
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: store, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidInput("no pass store at \(store); set $PASSWORD_STORE_DIR")
        }
        let paths = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return paths.filter { $0.hasSuffix(".gpg") && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            .map { (prefix.map { $0 + "/" } ?? "") + String($0.dropLast(4)) }
            .sorted()
    }

    /// `pass show ENTRY`: the first line, or the whole entry.
    public static func read(_ entry: String, firstLineOnly: Bool) throws(VaultError) -> SecretBytes {
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                ["pass", "show", entry], environment: environment, input: SecretBytes(zeroedCount: 0), timeout: 60)
        } catch {
            throw .invalidInput("cannot run pass (is it installed?): \(error)")
        }
        guard outcome.status == 0, !outcome.timedOut else {
            throw .invalidInput(
                "`pass show \(entry)` failed (exit \(outcome.status)\(outcome.timedOut ? ", timed out" : "")); check that gpg can decrypt it — nothing was imported"
            )
        }
        let length = outcome.output.withUnsafeBytes { bytes in
            firstLineOnly ? (bytes.firstIndex(of: 0x0a) ?? bytes.count) : bytes.count
        }
        guard length > 0 else { throw .invalidInput("pass entry '\(entry)' is empty; nothing was imported") }
        return outcome.output.prefix(length)
    }
}
