import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultRemote

extension VaultCLI {
    struct Remote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Team stores (OpenBao) this vault mirrors as a sealed, offline-capable cache (docs/TEAM.md).",
            subcommands: [Add.self, List.self, Status.self, Remove.self])
    }
}

extension VaultCLI.Remote {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an OpenBao KV v2 store as remote NAME: its secrets become NAME/PATH here.",
            discussion: """
                The token (or, with --approle, the secret id) is read from standard input, never from the command line, and sealed in this vault as vault-remote/NAME/token (or …/secret-id). The store is pulled once; the agent pulls it again on its --pull-every interval, `vault pull` at once.

                Example:  vault remote add team --openbao https://bao.example:8200 --prefix mcp < token
                """)

        @Argument(help: "The remote's name (a-z, 0-9, '.', '_', '-'); its secrets are NAME/PATH.")
        var name: String

        @Option(help: "The OpenBao server, e.g. https://bao.example:8200.")
        var openbao: String

        @Option(help: "The KV v2 mount.")
        var mount = "secret"

        @Option(help: "The path under the mount that holds the team's secrets.")
        var prefix = ""

        @Option(help: "A CA certificate (PEM) that verifies the server instead of the system's.")
        var caFile: String?

        @Option(help: "Refuse cached values older than this (e.g. 24h); without it they are served with a warning.")
        var maxStale: String?

        @Option(help: "Sign in with AppRole: the role id (the secret id comes on standard input).")
        var approle: String?

        @Flag(help: "Replace a remote of that name (e.g. with a new token).")
        var replace = false

        @OptionGroup var unlock: UnlockOptions

        func validate() throws {
            guard (try? SecretName(name)) != nil, !name.contains("/"), !name.contains("#"),
                name != VaultCore.Remote.credentialPrefix
            else {
                throw ValidationError("the remote's name must be one lowercase segment (a-z, 0-9, '.', '_', '-')")
            }
            guard openbao.hasPrefix("https://") || openbao.hasPrefix("http://") else {
                throw ValidationError("--openbao takes the server's URL, e.g. https://bao.example:8200")
            }
            if let maxStale, DurationText.seconds(maxStale) == nil {
                throw ValidationError("--max-stale takes a duration such as 12h or 7d")
            }
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw ValidationError("--ca-file \(caFile) cannot be read")
            }
        }

        func run() throws {
            let remote = VaultCore.Remote(
                name: name, url: String(openbao.reversed().drop { $0 == "/" }.reversed()), mount: mount,
                prefix: prefix.split(separator: "/").joined(separator: "/"),
                caFile: caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                maxStale: maxStale.flatMap(DurationText.seconds).map { Int($0) },
                auth: approle == nil ? .token : .approle, roleID: approle)
            let vault = try VaultAccess.unlocked(unlock.choice)
            let existing = try vault.vault.remotes().contains { $0.name == name }
            if existing, !replace {
                throw VaultError.invalidInput(
                    "remote '\(name)' exists; add --replace to replace it (with a new token, say)")
            }
            let names = try vault.vault.secrets().map(\.name)
            let local = names.filter { $0.hasPrefix(name + "/") }
            if !existing, let clash = local.first {
                throw VaultError.invalidInput(
                    "'\(clash)' is a secret of this vault under '\(name)/'; choose another remote name")
            }
            let credential = try SecretInput.readAll(
                fd: STDIN_FILENO, limit: 4096, what: approle == nil ? "the token on standard input" : "the secret id")
            let box = SecretBox(credential.prefix(credential.count))
            // Check the credential before keeping it.
            let token = approle == nil ? box : try OpenBaoClient.appRoleToken(remote, secretID: box)
            _ = try OpenBaoClient(remote, token: token).tokenLifetime()
            let credentialName = try SecretName(remote.credentialName)
            if names.contains(credentialName.rawValue) {
                _ = try vault.rotate(credentialName, to: box.bytes)
            } else {
                _ = try vault.add(credentialName, value: box.bytes)
            }
            try vault.saveRemote(remote)
            let outcome = try RemoteStore(vault).pull(remote) { Notice.print("vault: skipped \($0): not a vault name") }
            Notice.print(
                "added remote \(name) (\(remote.url)): \(outcome.updated.count) secrets pulled as \(name)/…")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the remotes and how their last pull went.", discussion: "Example:  vault remote list")

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let remotes = try VaultAccess.locked().remotes()
            if json { return try Output.json(remotes) }
            Output.table(
                ["NAME", "URL", "MOUNT/PREFIX", "AUTH", "PULLED", "LAST ERROR"],
                remotes.map {
                    [
                        $0.name, $0.url, $0.mount + "/" + $0.prefix, $0.auth.rawValue, Output.time($0.pulledAt),
                        $0.pullError ?? "-",
                    ]
                })
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask each remote's server whether it answers and how long its token lives.",
            discussion: "Example:  vault remote status team")

        @Argument(help: "Only this remote.")
        var name: String?

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let vault = try VaultAccess.unlocked(unlock.choice)
            let remotes = try vault.vault.remotes().selecting(name)
            var failed = false
            let names = try vault.vault.secrets().map(\.name)
            for remote in remotes {
                let mirrored = names.filter { $0.hasPrefix(remote.name + "/") }.count
                let pulled = remote.pulledAt.map { "pulled \(Output.time($0))" } ?? "never pulled"
                do {
                    let lifetime = try RemoteStore(vault).client(remote).tokenLifetime()
                    let ttl =
                        lifetime.ttl == 0
                        ? "does not expire" : "expires in \(DurationText.approximate(Double(lifetime.ttl)))"
                    Output.line(
                        "\(remote.name)  \(remote.url)  reachable; token \(ttl); \(mirrored) secrets, \(pulled)")
                } catch {
                    failed = true
                    Output.line("\(remote.name)  \(remote.url)  \(error); \(mirrored) cached secrets, \(pulled)")
                }
            }
            if failed { throw ExitCode.failure }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Forget a remote: its cached secrets are removed here (nothing changes on the server).",
            discussion: "Example:  vault remote rm team")

        @Argument(help: "The remote.")
        var name: String

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let vault = try VaultAccess.unlocked(unlock.choice)
            guard let remote = try vault.vault.remotes().selecting(name).first else { return }
            try vault.removeRemote(name)
            try? vault.remove(SecretName(remote.credentialName), purge: true)
            Notice.print("removed remote \(name); its cached secrets are removed here")
        }
    }
}

extension VaultCLI {
    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the team stores' secrets into this vault now (the agent also pulls on an interval).",
            discussion: "Example:  vault pull team")

        @Argument(help: "Only this remote.")
        var name: String?

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let report: [(remote: String, updated: Int, removed: Int, unchanged: Int)]
            var failed: [(remote: String, reason: String)] = []
            switch try VaultSession.open(unlock.choice) {
            case let .agent(client):
                let answer = try client.pull(name)
                report = answer.pulled
                failed = answer.failed
            case let .local(vault):
                let remotes = try vault.vault.remotes().selecting(name)
                var pulled: [(remote: String, updated: Int, removed: Int, unchanged: Int)] = []
                for remote in remotes {
                    do {
                        let outcome = try RemoteStore(vault).pull(remote) {
                            Notice.print("vault: skipped \($0): not a vault name")
                        }
                        pulled.append((remote.name, outcome.updated.count, outcome.removed.count, outcome.unchanged))
                    } catch {
                        failed.append((remote.name, "\(error)"))
                    }
                }
                report = pulled
            }
            for entry in report {
                Output.line(
                    "pulled \(entry.remote): \(entry.updated) new or updated, \(entry.removed) removed, \(entry.unchanged) unchanged"
                )
            }
            for failure in failed { Notice.print("vault: pull \(failure.remote) failed: \(failure.reason)") }
            if !failed.isEmpty { throw ExitCode.failure }
        }
    }
}
