// `vault`: the small launcher MCP clients and scripts start. It serves `vault get` and `vault run` through a
// running agent (HotPath) without loading Foundation, the database or the argument parser, and hands every other
// command — and every case it does not serve — to the full CLI, `vault-cli`, installed beside it (a build tree) or
// in ../libexec/vault (Scripts/setup). The full CLI gets this launcher's path as argv[0], so what it writes into
// client configs names `vault`.
#if canImport(Glibc)
    import Glibc
#endif
import VaultHotPath
import VaultSystem

ProcessHardening.apply()

let launcher = Executable.path() ?? CommandLine.arguments[0]
let directory = Paths.directory(of: launcher)
let candidates = [directory + "/../libexec/vault/vault-cli", directory + "/vault-cli"]
guard let cli = candidates.first(where: { access($0, X_OK) == 0 }) else {
    let message =
        "vault: error: the vault CLI is not installed beside this launcher (\(candidates.joined(separator: " or "))); install vault again (Scripts/setup)\n"
    _ = Array(message.utf8).withUnsafeBytes { Descriptors.writeAll(STDERR_FILENO, $0) }
    exit(1)
}
let arguments = Array(CommandLine.arguments.dropFirst())
if let command = HotCommand(arguments) {
    HotPath.serve(command, environment: ProcessEnvironment.current(), expecting: BuildIdentity.of(file: cli))
}
let argv = CStringArray([launcher] + arguments)
execv(cli, argv.pointers)
let failure = SystemError.last("run \(cli)")
_ = Array("vault: error: cannot \(failure); install vault again (Scripts/setup)\n".utf8).withUnsafeBytes {
    Descriptors.writeAll(STDERR_FILENO, $0)
}
exit(126)
