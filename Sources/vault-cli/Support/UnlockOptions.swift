import ArgumentParser
import VaultClient
import VaultCore

/// The command-line form of `UnlockChoice`: `--passphrase-fd`, `--recovery-key-fd`, `--unlocker`.
struct UnlockOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the passphrase from this open file descriptor.", valueName: "fd"))
    var passphraseFd: Int32?

    @Option(help: ArgumentHelp("Read the recovery key from this open file descriptor.", valueName: "fd"))
    var recoveryKeyFd: Int32?

    @Option(help: "Use only this unlocker: keyring, passphrase or recovery.")
    var unlocker: KeyslotKind?

    /// What these options choose.
    var choice: UnlockChoice {
        UnlockChoice(passphraseFD: passphraseFd, recoveryKeyFD: recoveryKeyFd, unlocker: unlocker)
    }
}
