import Foundation
public import Logging

/// How `vault agent` writes its log: one line per event on stderr, never a value. Under systemd (`JOURNAL_STREAM`
/// set) each line starts with its syslog priority (`<6>`), which journald reads as the level and stamps itself;
/// elsewhere with a UTC timestamp and the level name.
public struct AgentLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let journal: Bool

    /// A handler writing journald-style lines when `journal` (started by systemd), else timestamped ones.
    public init(journal: Bool) {
        self.journal = journal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line =
            journal
            ? "<\(Self.priority(event.level))>vault-agent: \(event.message)\n"
            : "\(Date().formatted(.iso8601)) \(event.level) vault-agent: \(event.message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// sd-daemon(3) priorities.
    private static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
