// In-process benchmarks: prints medians, p99s and ratios against baselines measured in the same run.
// Run: swift run -c release vault-bench   (Benchmarks/run.sh adds the whole-process comparisons)
import Foundation
import Logging
import VaultAgent
import VaultCore
import VaultPolicy
import VaultRotation

struct Stats {
    let samples: [Double]
    var median: Double { sorted[sorted.count / 2] }
    var p99: Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))] }
    private var sorted: [Double] { samples.sorted() }
    var text: String { String(format: "median %8.1f µs   p99 %8.1f µs", median * 1e6, p99 * 1e6) }
}

func measure(_ count: Int, _ body: (Int) throws -> Void) rethrows -> Stats {
    var samples: [Double] = []
    samples.reserveCapacity(count)
    for index in 0..<count {
        let start = DispatchTime.now().uptimeNanoseconds
        try body(index)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return Stats(samples: samples)
}

func line(_ text: String) { print(text); fflush(nil) }

/// The issues' goals judged on this run, printed together at the end.
nonisolated(unsafe) var goals: [(text: String, met: Bool, measured: String)] = []
func goal(_ text: String, _ met: Bool, _ measured: String) { goals.append((text, met, measured)) }

/// VmRSS from /proc/self/status, in MiB.
func residentMegabytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let field = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Int(field.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
}

/// `VAULT_BENCH_ONLY=agent` runs the agent part alone (a quicker loop while working on it); unset, everything runs.
let only = ProcessInfo.processInfo.environment["VAULT_BENCH_ONLY"]
func runs(_ part: String) -> Bool { only == nil || only == part }

let root = FileManager.default.temporaryDirectory.appendingPathComponent("vault-bench-\(UUID().uuidString)").path
try FileManager.default.createDirectory(
    atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

/// A new vault under `root` (or at `directory`), passphrase "benchmark passphrase", cheapest Argon2id.
func makeVault(_ name: String, at directory: String? = nil) throws -> UnlockedVault {
    var pass = SecretBytes(zeroedCount: 20)
    pass.withUnsafeMutableBytes { $0.copyBytes(from: Array("benchmark passphrase".utf8)) }
    return try Vault.create(
        at: VaultLocation(directory: directory ?? root + "/" + name), passphrase: pass,
        recoveryKey: RecoveryKey.generate(),
        kdf: KDFParameters.Strength.interactive.parameters)
}

/// Where to leave the 100,000-secret vault for the whole-process benchmarks (a real agent's memory and latency on
/// it); by default it is removed with the rest.
let largeVaultDirectory = ProcessInfo.processInfo.environment["VAULT_BENCH_LARGE_VAULT"]

func token() -> SecretBytes {
    SecretBytes.randomToken(length: 40, alphabet: Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8), prefix: "tok_")
}

// MARK: - Store latency at 100 vs 100,000 secrets

if runs("store") {
    line("== store (in-process, SQLite WAL synchronous=FULL, audit on)")
    var getMedians: [Int: Double] = [:]
    for size in [100, 100_000] {
        let vault = try makeVault("store-\(size)", at: size == 100_000 ? largeVaultDirectory : nil)
        let names = try (0..<size).map { try SecretName("bench/s\($0)") }
        let fill = Date()
        for start in stride(from: 0, to: size, by: 10_000) {
            try vault.addBatch(Array(names[start..<min(start + 10_000, size)])) { _ in token() }
        }
        line("  \(size) secrets filled in \(String(format: "%.1f", Date().timeIntervalSince(fill))) s")
        var generator = SystemRandomNumberGenerator()
        let get = try measure(2000) { _ in _ = try vault.value(of: names[Int.random(in: 0..<size, using: &generator)]) }
        getMedians[size] = get.median
        line("  get  @\(size): \(get.text)")
        let add = try measure(200) { index in try vault.add(SecretName("bench/new\(index)"), value: token()) }
        line("  add  @\(size): \(add.text)")
        let list = try measure(5) { _ in _ = try vault.vault.secrets() }
        line("  list @\(size): \(list.text)")
        line("  resident memory of this process with the vault open @\(size): \(residentMegabytes()) MiB")
    }
    let largeRatio = (getMedians[100_000] ?? 0) / (getMedians[100] ?? 1)
    line(String(format: "  get latency ratio 100,000 / 100 = %.2f×", largeRatio))
    goal("get at 100,000 secrets ≤ 1.2× at 100", largeRatio <= 1.2, String(format: "%.2f×", largeRatio))
}

// MARK: - Rotation of 10,000 due secrets (generate)

if runs("rotation") {
    line("== rotation (generate, 10,000 due secrets)")
    do {
        let vault = try makeVault("rotation")
        let names = try (0..<10_000).map { try SecretName("rot/s\($0)") }
        try vault.addBatch(names, now: Date().addingTimeInterval(-7200)) { _ in token() }
        let policyDir = root + "/policies"
        try FileManager.default.createDirectory(atPath: policyDir, withIntermediateDirectories: true)
        try "policies:\n  - name: rot\n    secrets: [\"rot/*\"]\n    every: 1h\n    rotator:\n      generate: {}\n"
            .write(toFile: policyDir + "/rot.yaml", atomically: true, encoding: .utf8)
        var rotated = 0
        let start = Date()
        try RotationEngine(vault: vault, policies: PolicySet.load(directory: policyDir)).runDue { event in
            if case .rotated = event { rotated += 1 }
        }
        let total = Date().timeIntervalSince(start)
        line(
            String(format: "  rotated %d in %.2f s: %.0f µs per secret", rotated, total, total / Double(rotated) * 1e6))
        goal("rotation of 10,000 due secrets < 10 s", rotated == 10_000 && total < 10, String(format: "%.2f s", total))
    }
}

// MARK: - Agent round trip vs raw socket ping-pong

line("== agent (Unix socket, thread per connection)")
let agentVault = try makeVault("agent")
try agentVault.add(SecretName("bench/token"), value: token())
let socketPath = root + "/run/agent.sock"
try FileManager.default.createDirectory(
    atPath: root + "/run", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
let state = AgentState(vault: agentVault.vault, idleLock: nil)
state.hold(agentVault, unlocker: "passphrase")
var configuration = AgentServer.Configuration(socketPath: socketPath, policiesDirectory: root + "/policies")
configuration.rotateEvery = nil
let server = AgentServer(
    configuration: configuration, state: state, logger: Logger(label: "vault-bench") { _ in SwiftLogNoOpLogHandler() })
Thread { try? server.run() }.start()
while access(socketPath, F_OK) != 0 { usleep(10_000) }
usleep(50_000)

/// sched_getaffinity / sched_setaffinity (GNU extensions Swift's Glibc module leaves out), for the calling thread.
typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
let affinityCalls: (get: AffinityCall, set: AffinityCall)? = {
    guard let get = dlsym(nil, "sched_getaffinity"), let set = dlsym(nil, "sched_setaffinity") else { return nil }
    return (unsafeBitCast(get, to: AffinityCall.self), unsafeBitCast(set, to: AffinityCall.self))
}()

/// Pins the calling thread to CPU 0.
func pinToFirstCore() {
    var first = cpu_set_t()
    withUnsafeMutableBytes(of: &first) { bytes in
        bytes[0] = 1
        _ = affinityCalls?.set(0, bytes.count, bytes.baseAddress!)
    }
}

// The baseline: a raw frame echo server on a Unix socket (connect once, request, response of similar size).
let echoPath = root + "/run/echo.sock"
func echoServer() {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in echoPath.utf8.enumerated() { raw[i] = b } }
    let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    listen(listener, 128)
    while true {
        let fd = accept(listener, nil, nil)
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
                if n <= 0 { break }
                if buffer[0] == UInt8(ascii: "p") { pinToFirstCore() }  // the one-core baseline's echo thread
                let reply = [UInt8](repeating: 0x61, count: 90)
                _ = reply.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            close(fd)
        }.start()
    }
}
Thread { echoServer() }.start()
while access(echoPath, F_OK) != 0 { usleep(10_000) }

func rawClient() -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in echoPath.utf8.enumerated() { raw[i] = b } }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    return fd
}

func rawRoundTrip(_ fd: Int32) {
    let request = [UInt8](repeating: 0x62, count: 50)
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, 0) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    _ = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
}

let client = try AgentClient(path: socketPath)
let name = try SecretName("bench/token")
func agentGet(_ client: AgentClient) throws {
    _ = try client.get(name.rawValue)
}
/// Runs `body` on the calling thread pinned to CPU 0, then restores its affinity.
func onFirstCore<T>(_ body: () throws -> T) rethrows -> T {
    var saved = cpu_set_t()
    _ = withUnsafeMutableBytes(of: &saved) { affinityCalls?.get(0, $0.count, $0.baseAddress!) }
    pinToFirstCore()
    defer { _ = withUnsafeMutableBytes(of: &saved) { affinityCalls?.set(0, $0.count, $0.baseAddress!) } }
    return try body()
}

let raw = rawClient()
for _ in 0..<200 { rawRoundTrip(raw); try agentGet(client) }  // warm up
let rawStats = measure(5000) { _ in rawRoundTrip(raw) }
let agentStats = try measure(5000) { _ in try agentGet(client) }
// A raw round trip whose two threads share one core: the cheapest a socket ping-pong gets on this machine.
let sameCoreRaw: Stats = {
    let fd = rawClient()
    defer { close(fd) }
    let pin = [UInt8]("p".utf8)
    _ = pin.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, 0) }  // asks its echo thread onto CPU 0
    var answer = [UInt8](repeating: 0, count: 4096)
    _ = answer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
    return onFirstCore {
        for _ in 0..<200 { rawRoundTrip(fd) }
        return measure(5000) { _ in rawRoundTrip(fd) }
    }
}()
line("  raw socket ping-pong   : \(rawStats.text)")
line("  raw, one core          : \(sameCoreRaw.text)")
line("  agent get (1 client)   : \(agentStats.text)")
let connectStats = measure(1000) { _ in
    let fd = rawClient()
    rawRoundTrip(fd)
    close(fd)
}
let agentConnectStats = try measure(1000) { _ in try agentGet(AgentClient(path: socketPath)) }
line("  raw connect+request+close : \(connectStats.text)")
line("  agent connect+hello+get   : \(agentConnectStats.text)")

func throughput(clients: Int, requests: Int, _ work: @escaping @Sendable () throws -> ([Double])) -> (Double, Stats) {
    let results = LockedSamples()
    let group = DispatchGroup()
    let start = Date()
    for _ in 0..<clients {
        group.enter()
        Thread {
            if let samples = try? work() { results.append(samples) }
            group.leave()
        }.start()
    }
    group.wait()
    let elapsed = Date().timeIntervalSince(start)
    let all = results.all
    return (Double(all.count) / elapsed, Stats(samples: all))
}

final class LockedSamples: @unchecked Sendable {
    private var samples: [Double] = []
    private let lock = NSLock()
    func append(_ more: [Double]) { lock.lock(); samples += more; lock.unlock() }
    var all: [Double] { lock.lock(); defer { lock.unlock() }; return samples }
}

/// The raw round trip measured on a new thread (the agent's clients below): it may land on the other core.
var rawOneClient = Double.infinity
for clients in [1, 64] {
    let perClient = 20_000 / clients
    let (rawRate, rawLatency) = throughput(clients: clients, requests: perClient) {
        let fd = rawClient()
        defer { close(fd) }
        return measure(perClient) { _ in rawRoundTrip(fd) }.samples
    }
    let (agentRate, agentLatency) = throughput(clients: clients, requests: perClient) {
        let client = try AgentClient(path: socketPath)
        return try measure(perClient) { _ in try agentGet(client) }.samples
    }
    line(
        String(
            format: "  %2d clients: raw %8.0f req/s (p99 %6.1f µs)   agent %8.0f req/s (p99 %6.1f µs, median %6.1f µs)",
            clients, rawRate, rawLatency.p99 * 1e6, agentRate, agentLatency.p99 * 1e6, agentLatency.median * 1e6))
    if clients == 1 { rawOneClient = rawLatency.median }
    if clients == 64 {
        goal(
            "≥ 30,000 requests/s at 64 clients (each sending its next request when answered)", agentRate >= 30_000,
            String(format: "%.0f req/s", agentRate))
    }
}

// The baseline is the faster of the two raw round trips measured in this run: on this VM a ping-pong whose two
// threads share a core takes a few µs and one across cores up to ~100 µs (a wake-up there is an interrupt between
// virtual CPUs), and which one the scheduler picks varies from run to run.
let rawBest = min(rawStats.median, rawOneClient, sameCoreRaw.median)
line(String(format: "  agent / fastest raw median: %.1f×", agentStats.median / rawBest))
goal(
    "agent request median ≤ 100 µs and ≤ 2× a raw socket ping-pong",
    agentStats.median <= 100e-6 && agentStats.median <= 2 * rawBest,
    String(format: "%.0f µs, %.1f× raw (%.1f µs)", agentStats.median * 1e6, agentStats.median / rawBest, rawBest * 1e6))

// With 64 clients that each wait for their answer, Little's law makes the mean latency 64 / throughput: p99 ≤ 1 ms
// would need 64,000 requests/s or more. The latency goal is therefore judged under an offered load: 64 clients
// sending 30,000 requests/s between them on a fixed schedule, each latency counted from the request's scheduled
// time (a late send is part of the latency, so a stall cannot hide behind the requests it delayed).
let offered = 30_000.0
let scheduleSeconds = 2.0

/// 64 clients, each opened by `connect` and sending with `call` on its share of the offered schedule; returns the
/// rate served and the latencies from each request's scheduled time.
func offeredLoad<Connection>(
    connect: @escaping @Sendable () throws -> Connection, call: @escaping @Sendable (Connection) throws -> Void
) -> (Double, Stats) {
    let perClient = Int(offered * scheduleSeconds) / 64
    return throughput(clients: 64, requests: perClient) {
        let connection = try connect()
        let period = UInt64(64 / offered * 1e9)
        var next = DispatchTime.now().uptimeNanoseconds + UInt64.random(in: 0..<period)
        var samples: [Double] = []
        for _ in 0..<perClient {
            let now = DispatchTime.now().uptimeNanoseconds
            if now < next { usleep(useconds_t((next - now) / 1000)) }
            try call(connection)
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - next) / 1e9)
            next += period
        }
        return samples
    }
}
let (rawServed, rawScheduled) = offeredLoad(connect: { rawClient() }, call: { rawRoundTrip($0) })
let (servedRate, scheduled) = offeredLoad(
    connect: { try AgentClient(path: socketPath) }, call: { try agentGet($0) })
line(
    String(
        format: "  64 clients offering %.0f req/s: raw served %.0f req/s (p99 %6.1f µs)   agent served %.0f req/s "
            + "(median %6.1f µs, p99 %6.1f µs)",
        offered, rawServed, rawScheduled.p99 * 1e6, servedRate, scheduled.median * 1e6, scheduled.p99 * 1e6))
goal(
    "p99 ≤ 1 ms with 64 clients offering 30,000 requests/s", scheduled.p99 <= 1e-3,
    String(
        format: "p99 %.2f ms, served %.0f req/s (raw socket: p99 %.2f ms)", scheduled.p99 * 1e3, servedRate,
        rawScheduled.p99 * 1e3))
line("== goals (in process)")
for entry in goals { line("  \(entry.met ? "met   " : "MISSED")  \(entry.text): \(entry.measured)") }
// exit, not the end of main: the agent's threads never return. The scratch vaults go first.
try? FileManager.default.removeItem(atPath: root)
exit(0)
