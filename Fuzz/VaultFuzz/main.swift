// libFuzzer targets for the parsers that take untrusted input: the agent's frame decoder, the policy/profile
// parser, and the MCP client-config reader and rewriter. `Fuzz/run.sh` builds this with `-sanitize=fuzzer
// -DFUZZING` and runs each target for a bounded time; built normally, it replays the files it is given (a corpus
// or a crasher) through the same target, so a crash found by the fuzzer reproduces in a plain debug build.
// The target is chosen by $FUZZ_TARGET: frame (default), policy or mcp-config.
import Foundation
import VaultAgent
import VaultCore
import VaultFormats
import VaultMCP
import VaultPolicy

let target = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "frame"

/// Runs one input through the chosen target. Every input must be accepted or rejected with an error; a crash,
/// a hang or a broken invariant (checked with `precondition`) is a finding.
func fuzzOne(_ data: UnsafeRawBufferPointer) {
    switch target {
    case "policy":
        let diagnostics = PolicySet.diagnostics(file: "fuzz.yaml", text: String(decoding: data, as: UTF8.self))
        precondition(
            diagnostics.allSatisfy { $0.line >= 0 && !$0.message.isEmpty }, "a diagnostic without a line or message")
    case "mcp-config":
        let syntaxes: [ConfigSyntax] = [.json, .toml, .yaml]
        fuzzConfig(data, syntax: syntaxes[Int(data.first ?? 0) % syntaxes.count])
    default:
        fuzzFrame(data)
    }
}

/// The agent's read path: the bytes arrive on a pipe, `Frame.read` checks the length prefix and limits, and the
/// payload goes through the JSON parser with secret keys.
func fuzzFrame(_ data: UnsafeRawBufferPointer) {
    guard data.count <= 60_000 else { return }  // a pipe holds 64 KiB; larger inputs would block the writer
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { return }
    defer { close(ends[0]) }
    if let base = data.baseAddress, !data.isEmpty { _ = write(ends[1], base, data.count) }
    close(ends[1])
    guard let payload = try? Frame.read(from: ends[0], idle: 0.05, deadline: 0.05) else { return }
    _ = payload.withUnsafeBytes { try? SecureJSON.parse($0, secretKeys: ["passphrase", "value"]) }
}

/// A client config: parse, find secrets, plan a wrap (nothing stored), apply it — and the result must still
/// parse, a second wrap must change nothing, and unwrap (keeping references) must give back exactly the backup
/// (the original with each moved value replaced by its reference) for every entry wrap kept a record of.
func fuzzConfig(_ data: UnsafeRawBufferPointer, syntax: ConfigSyntax) {
    let text = SecretBytes(copying: data)
    guard let config = try? ConfigFile(path: "/fuzz/config", text: text, syntax: syntax) else { return }
    for client in MCPClient.allCases where client.syntax == syntax {
        _ = MCPDoctor.findings(in: config, client: client)
        let place: MCPRewrite.Place = { preferred, _ in preferred }
        guard
            let plan = try? MCPRewrite.wrap(
                config, client: client, existing: [], vaultCommand: "/usr/bin/vault", place: place)
        else { continue }
        let rewritten = config.text.withUnsafeBytes { TextEdit.apply(plan.edits, to: $0) }
        let backup = config.text.withUnsafeBytes { TextEdit.apply(plan.backupEdits, to: $0) }
        do {
            let again = try ConfigFile(path: "/fuzz/config", text: rewritten, syntax: syntax)
            let second = try MCPRewrite.wrap(
                again, client: client, existing: plan.profiles, vaultCommand: "/usr/bin/vault", place: place)
            precondition(second.edits.isEmpty, "a second wrap still found something to change")
            let undo = try MCPRewrite.unwrap(
                again, client: client, existing: plan.profiles, records: plan.records, reveal: nil)
            let restored = again.text.withUnsafeBytes { TextEdit.apply(undo.edits, to: $0) }
            if plan.records.count == plan.servers.count {
                precondition(
                    restored.count == backup.count && restored.constantTimeEquals(backup),
                    "unwrap did not give back the original")
            }
        } catch {
            preconditionFailure("wrap produced text that does not parse: \(error)")
        }
    }
}

#if FUZZING
    /// libFuzzer's entry point (its runtime refers to it even when the driver is started from here).
    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        fuzzOne(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, fuzzerTestOneInput))
#else
    var replayed = 0
    for path in CommandLine.arguments.dropFirst() {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        let files =
            isDirectory.boolValue
            ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).map { path + "/" + $0 } : [path]
        for file in files.sorted() {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            data.withUnsafeBytes { fuzzOne($0) }
            replayed += 1
        }
    }
    print("vault-fuzz \(target): replayed \(replayed) input\(replayed == 1 ? "" : "s") without a finding")
#endif
