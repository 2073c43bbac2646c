import Foundation
public import VaultCore

/// Helpers shared by the unit-test targets: guarded bytes from text, private temporary directories, and vaults
/// made with the cheapest KDF a user may choose, so the suites stay fast.
public enum TestSupport {
    /// A problem setting up a test (not a finding about the code under test).
    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The bytes `hex` spells (two digits a byte).
    public static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            if let byte = UInt8(hex[index..<next], radix: 16) { out.append(byte) }
            index = next
        }
        return out
    }

    /// `bytes` in guarded memory.
    public static func secret(_ bytes: [UInt8]) -> SecretBytes {
        var secret = SecretBytes(zeroedCount: bytes.count)
        secret.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
        return secret
    }

    /// `text` (UTF-8) in guarded memory.
    public static func secret(_ text: String) -> SecretBytes { secret(Array(text.utf8)) }

    /// The bytes of `secret`.
    public static func array(_ secret: borrowing SecretBytes) -> [UInt8] { secret.withUnsafeBytes { Array($0) } }

    /// The bytes of `secret` as UTF-8 text.
    public static func string(_ secret: borrowing SecretBytes) -> String {
        String(decoding: array(secret), as: UTF8.self)
    }

    /// A fresh, empty directory under the system temp dir, private as the vault requires.
    public static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vault-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// A new vault in a temporary directory; returns it unlocked, and its recovery key text.
    public static func makeVault(
        passphrase: String = "correct horse battery", kdf: KDFParameters = KDFParameters.Strength.interactive.parameters
    ) throws -> (UnlockedVault, recovery: [UInt8]) {
        let location = VaultLocation(directory: try temporaryDirectory() + "/vault")
        let recoveryKey = RecoveryKey.generate()
        let vault = try Vault.create(at: location, passphrase: secret(passphrase), recoveryKey: recoveryKey, kdf: kdf)
        return (vault, array(recoveryKey.formatted()))
    }
}
