import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultSystem

// Every vault process handles key material: no core dumps, no ptrace by other same-uid processes,
// and files born private.
ProcessHardening.apply()

do {
    var command = try VaultCLI.parseAsRoot()
    try command.run()
} catch let error as VaultError {
    // One line, whatever a name or path in it holds: control characters are shown escaped.
    Notice.print(
        "vault: error: "
            + String(describing: error).unicodeScalars.map {
                $0.value < 0x20 || $0.value == 0x7f ? "\\x" + String($0.value, radix: 16) : String($0)
            }.joined())
    exit(error.category.rawValue)
} catch {
    if VaultCLI.exitCode(for: error) == .validationFailure {
        Notice.print(VaultCLI.fullMessage(for: error))
        exit(VaultError.Category.badInput.rawValue)
    }
    VaultCLI.exit(withError: error)
}
