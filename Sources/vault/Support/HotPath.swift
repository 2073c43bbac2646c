import Foundation
import VaultClient
import VaultCore
import VaultLaunch

/// The launcher's hot path: `vault get NAME` and `vault run … -- COMMAND` answered by a running agent, with the
/// arguments parsed by hand. Building swift-argument-parser's command tree costs more per process (~4 ms of type
/// metadata and protocol-conformance lookups) than the agent's answer (~0.2 ms), and MCP clients start servers
/// through `vault run` many times a day.
///
/// Only the plain forms are recognised (see `HotCommand`); anything else — help, unknown or repeated options,
/// unlock options, invalid values, a container engine, no agent, a locked agent — falls through to the full
/// parser, which owns every usage message. So the fast path can only be faster, never different.
enum HotPath {
    /// Serves `arguments` (without the program name) when they are a hot form and the agent answers; returns
    /// otherwise. Throws only the errors the full path would throw for the same request. The environment is read
    /// only for a hot form, so every other command starts as it did.
    static func serve(_ arguments: [String]) throws(VaultError) {
        guard let command = HotCommand(arguments) else { return }
        let environment = Environment.current
        switch command {
        case let .get(request):
            guard let value = try VaultCLI.Get.viaAgent(request, environment) else { return }
            try VaultCLI.Get.write(value)
            exit(0)
        case let .run(request):
            guard ContainerCommand(request.command) == nil else { return }
            let launch = try request.resolved(environment)
            guard let secrets = try SecretValues.fromAgent(launch.references, environment) else { return }
            try launch.start(with: secrets, environment)
        }
    }
}

/// The plain forms of the hot commands, parsed without swift-argument-parser:
///
///     get NAME [--version N | --previous]
///     run [--profile P] [--env VAR=secret[@v]]... [--mode env|file|fd] [--redact] [--policies DIR] -- COMMAND...
///
/// Options may come in any order and as `--option value` or `--option=value`. Anything the full parser would
/// reject, or that this grammar does not know, gives nil.
enum HotCommand: Equatable {
    case get(GetRequest)
    case run(RunRequest)

    init?(_ arguments: [String]) {
        guard let verb = arguments.first else { return nil }
        var options = HotOptions(arguments.dropFirst())
        switch verb {
        case "get":
            guard let parsed = HotCommand.get(&options) else { return nil }
            self = .get(parsed)
        case "run":
            guard let parsed = HotCommand.run(&options) else { return nil }
            self = .run(parsed)
        default:
            return nil
        }
    }

    private static func get(_ options: inout HotOptions) -> GetRequest? {
        var name: String?
        var request = GetRequest(name: "")
        while let token = options.next() {
            switch token {
            case .option("version", let value):
                guard request.selector == .current, let text = value ?? options.value(), let number = Int(text),
                    number >= 1
                else { return nil }
                request.selector = .number(number)
            case .option("previous", nil):
                guard request.selector == .current else { return nil }
                request.selector = .previous
            case let .positional(text):
                guard name == nil else { return nil }
                name = text
            default:
                return nil
            }
        }
        guard let name else { return nil }
        request.name = name
        return request
    }

    private static func run(_ options: inout HotOptions) -> RunRequest? {
        var request = RunRequest()
        while let token = options.next() {
            switch token {
            case .option("profile", let value):
                guard request.profile == nil, let text = value ?? options.value() else { return nil }
                request.profile = text
            case .option("env", let value):
                guard let text = value ?? options.value() else { return nil }
                request.assignments.append(text)
            case .option("mode", let value):
                guard request.mode == nil, let text = value ?? options.value(),
                    let mode = InjectionMode(rawValue: text)
                else { return nil }
                request.mode = mode
            case .option("redact", nil):
                guard !request.redact else { return nil }
                request.redact = true
            case .option("policies", let value):
                guard request.policies == nil, let text = value ?? options.value() else { return nil }
                request.policies = text
            case .terminator:
                request.command = options.rest()
            default:
                return nil
            }
        }
        return request.problem == nil ? request : nil
    }
}

/// A cursor over command-line words: long options (with an optional `=value`), positionals and `--`.
struct HotOptions {
    enum Token: Equatable {
        case option(String, String?)
        case positional(String)
        case terminator
        /// Anything this grammar does not take (short options, a lone `-`).
        case unsupported
    }

    private var words: ArraySlice<String>

    init(_ words: ArraySlice<String>) { self.words = words }

    mutating func next() -> Token? {
        guard let word = words.popFirst() else { return nil }
        if word == "--" { return .terminator }
        guard word.hasPrefix("-") else { return .positional(word) }
        guard word.hasPrefix("--"), word.count > 2 else { return .unsupported }
        let body = word.dropFirst(2)
        guard let equals = body.firstIndex(of: "=") else { return .option(String(body), nil) }
        return .option(String(body[..<equals]), String(body[body.index(after: equals)...]))
    }

    /// The next word as an option's value; nil when there is none or it looks like an option.
    mutating func value() -> String? {
        guard let word = words.first, !word.hasPrefix("-") else { return nil }
        words.removeFirst()
        return word
    }

    /// Every remaining word, as the command after `--`.
    mutating func rest() -> [String] {
        defer { words = [] }
        return Array(words)
    }
}
