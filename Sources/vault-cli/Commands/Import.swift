import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultFormats
import VaultMCP
import VaultPolicy

extension VaultCLI {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring existing secrets in: from a .env file or a pass store.",
            discussion: """
                Importing twice changes nothing: a name that already holds the value is left alone; one that holds another value gets it as a new version. MCP client configs: `vault mcp wrap`.
                """,
            subcommands: [Dotenv.self, Pass.self])
    }
}

extension VaultCLI.Import {
    struct Dotenv: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dotenv",
            abstract: "Import the secrets of a .env file as PREFIX/variable.",
            discussion: """
                Only the variables that look secret (the rules of `vault mcp doctor`) are imported, unless --all. Names are PREFIX/variable in lowercase; PREFIX defaults to the name of the file's directory. The file is not changed: delete it once the program starts through `vault run`.

                Example:  vault import dotenv ~/code/weather/.env --prefix weather
                """)

        @Argument(help: "The .env file.")
        var file: String

        @Option(help: "Prefix of the secret names (default: the file's directory name).")
        var prefix: String?

        @Flag(help: "Import every variable, not only those that look secret.")
        var all = false

        @Flag(help: "Print what would be stored and store nothing.")
        var dryRun = false

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let dotenv = try DotenvFile(path: file)
            let directory =
                ((URL(fileURLWithPath: file).standardizedFileURL.path as NSString).deletingLastPathComponent as NSString)
                .lastPathComponent
            let base = prefix ?? NameSlug.segment(directory)
            let wanted =
                all
                ? dotenv.entries
                : dotenv.entries.filter { entry in
                    dotenv.value(of: entry).withUnsafeBytes { SecretDetector.reason(name: entry.key, value: $0) } != nil
                }
            guard !wanted.isEmpty else {
                Output.line("no variable in \(file) looks secret; nothing imported (--all imports every variable)")
                return
            }
            let writer = ImportWriter(
                session: try VaultSession.open(unlock.choice), vault: try VaultAccess.locked(), dryRun: dryRun)
            for entry in wanted {
                let name = try SecretName("\(base)/\(NameSlug.segment(entry.key))")
                let outcome = try writer.store(name, dotenv.value(of: entry))
                Output.line("\(entry.key) → \(name): \(dryRun ? "would be " : "")\(outcome.text)")
            }
            if !dryRun {
                Notice.print(
                    "vault: \(file) still holds the values in plain text; delete it once the program starts through `vault run`"
                )
            }
        }
    }

    struct Pass: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import entries of a pass store (the first line of each, pass's password convention).",
            discussion: """
                Reads $PASSWORD_STORE_DIR (default ~/.password-store), under PREFIX if given, with `pass show`; every entry is read before anything is stored, so a failure stores nothing. Names are the pass paths in lowercase with characters outside a-z 0-9 . _ - turned into '-'.

                Example:  vault import pass work/api
                """)

        @Argument(help: "Only entries under this folder of the store.")
        var prefix: String?

        @Flag(help: "Import whole entries (every line), not only the first line.")
        var wholeEntry = false

        @Flag(help: "Print what would be stored and store nothing.")
        var dryRun = false

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let environment = Environment.current
            let store =
                environment.variables["PASSWORD_STORE_DIR"] ?? (environment.variables["HOME"] ?? NSHomeDirectory())
                + "/.password-store"
            let entries = try PassStore.entries(in: store, under: prefix)
            guard !entries.isEmpty else {
                throw VaultError.invalidInput(
                    "no pass entries in \(store)\(prefix.map { "/\($0)" } ?? ""); check the prefix or $PASSWORD_STORE_DIR"
                )
            }
            var values: [(String, SecretName, SecretBox)] = []
            for entry in entries {
                let name = try SecretName(
                    entry.split(separator: "/").map { NameSlug.segment(String($0)) }.joined(separator: "/"))
                if let clash = values.first(where: { $0.1 == name }) {
                    throw VaultError.invalidInput(
                        "pass entries '\(clash.0)' and '\(entry)' both become \(name); import them separately with different prefixes"
                    )
                }
                values.append((entry, name, SecretBox(try PassStore.read(entry, firstLineOnly: !wholeEntry))))
            }
            let writer = ImportWriter(
                session: try VaultSession.open(unlock.choice, environment), vault: try VaultAccess.locked(environment),
                dryRun: dryRun)
            for (entry, name, value) in values {
                Output.line(
                    "\(entry) → \(name): \(dryRun ? "would be " : "")\(try writer.store(name, value.bytes).text)")
            }
        }
    }
}
