import Foundation
@testable import VaultCore

/// Helpers shared by the VaultCore tests.
enum TestSupport {
    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    static func secret(_ bytes: [UInt8]) -> SecretBytes {
        var secret = SecretBytes(zeroedCount: bytes.count)
        secret.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
        return secret
    }

    static func secret(_ text: String) -> SecretBytes { secret(Array(text.utf8)) }

    static func array(_ secret: borrowing SecretBytes) -> [UInt8] { secret.withUnsafeBytes { Array($0) } }

    static func string(_ secret: borrowing SecretBytes) -> String { String(decoding: array(secret), as: UTF8.self) }

    /// A fresh, empty directory under the system temp dir, private as the vault requires.
    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vault-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// A vault with the cheapest KDF a user may choose, so the suite stays fast; returns the vault and its recovery key text.
    static func makeVault(
        passphrase: String = "correct horse battery", kdf: KDFParameters = KDFParameters.Strength.interactive.parameters
    ) throws -> (UnlockedVault, recovery: [UInt8]) {
        let location = VaultLocation(directory: temporaryDirectory() + "/vault")
        let recoveryKey = RecoveryKey.generate()
        let vault = try Vault.create(at: location, passphrase: secret(passphrase), recoveryKey: recoveryKey, kdf: kdf)
        return (vault, array(recoveryKey.formatted()))
    }
}
