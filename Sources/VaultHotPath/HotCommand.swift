import VaultSecrets

/// The plain forms of the hot commands, parsed without swift-argument-parser:
///
///     get NAME [--version N | --previous]
///     run [--profile P] [--env VAR=secret[@v]]... [--mode env|file|fd] [--redact] [--policies DIR] -- COMMAND...
///
/// Options may come in any order and as `--option value` or `--option=value`. Anything the full parser would
/// reject, or that this grammar does not know, gives nil.
public enum HotCommand: Equatable, Sendable {
    /// `get NAME [--version N | --previous]`.
    case get(GetRequest)
    /// `run … -- COMMAND…`.
    case run(RunRequest)

    /// The hot form `arguments` (without the program name) make, or nil.
    public init?(_ arguments: [String]) {
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
