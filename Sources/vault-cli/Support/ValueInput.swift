import ArgumentParser
import Foundation
import VaultClient
import VaultCore

/// Where a new secret value comes from: `--from-file`, piped standard input, or a no-echo prompt. Never argv.
struct ValueInput: ParsableArguments {
    @Option(
        help: ArgumentHelp("Read the value from this file ('-' for standard input), byte for byte.", valueName: "path"))
    var fromFile: String?

    /// Reads the value for `name`. With `requireExplicit`, only `--from-file` is accepted.
    func read(for name: SecretName, requireExplicit: Bool = false) throws(VaultError) -> SecretBytes {
        let limit = UnlockedVault.maximumValueLength
        if let fromFile { return try SecretInput.readFile(fromFile, limit: limit, what: "value") }
        if requireExplicit {
            throw .invalidInput("give the new value of '\(name)' with --from-file PATH ('-' for standard input)")
        }
        if isatty(STDIN_FILENO) == 0 {
            return try SecretInput.readAll(fd: STDIN_FILENO, limit: limit, what: "the value on standard input")
        }
        return try SecretInput.prompt("Value for \(name): ", limit: limit)
    }
}
