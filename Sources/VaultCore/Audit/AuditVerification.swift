import Foundation

/// What `vault audit verify` found.
public struct AuditVerification: Sendable, Codable, Equatable {
    /// Records read.
    public let records: Int
    /// Sequence numbers covered.
    public let firstSeq: Int?
    /// Sequence numbers covered.
    public let lastSeq: Int?
    /// Files read, oldest first.
    public let files: [String]
    /// Every removed, edited, reordered or unreadable record, each naming file and line.
    public let problems: [String]
    /// True when the chain is whole.
    public var intact: Bool { problems.isEmpty }

    /// A verification result (as the agent reports one).
    public init(records: Int, firstSeq: Int?, lastSeq: Int?, files: [String], problems: [String]) {
        self.records = records
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.files = files
        self.problems = problems
    }
}

extension AuditLog {
    /// Checks every record's MAC and its link to the one before, from the first key (sealed in the vault).
    func verify(firstKey: borrowing SecretBytes) throws(VaultError) -> AuditVerification {
        var problems: [String] = []
        var expected: Int?
        var previousMAC: String?
        var key = firstKey.prefix(firstKey.count)
        var keySeq = 1
        var count = 0
        let paths = files
        for (fileIndex, path) in paths.enumerated() {
            let name = String(path.split(separator: "/").last!)
            for (index, line) in Self.lines(of: path).enumerated() {
                let place = "\(name):\(index + 1)"
                guard let signed = Self.signedPart(of: line), let record = Self.decode(line) else {
                    problems.append("\(place): not a valid record (edited or damaged)")
                    continue
                }
                count += 1
                if let want = expected, record.seq > want {
                    problems.append(
                        want == record.seq - 1
                            ? "\(place): record \(want) is missing (removed)"
                            : "\(place): records \(want)…\(record.seq - 1) are missing (removed)")
                } else if let want = expected, record.seq < want {
                    problems.append(
                        "\(place): record \(record.seq) is out of order (expected \(want)): records were reordered or duplicated"
                    )
                } else if expected == nil, record.seq != 1, !(fileIndex == 0 && paths.count > Self.keptFiles) {
                    problems.append("\(place): records 1…\(record.seq - 1) are missing (removed from the start)")
                }
                if record.seq < keySeq {
                    key = firstKey.prefix(firstKey.count)
                    keySeq = 1
                }
                AuditRatchet.advance(&key, from: keySeq, to: record.seq)
                keySeq = record.seq
                if AuditRatchet.mac(signed.body, key: key) != signed.mac {
                    problems.append("\(place): record \(record.seq) was edited (its MAC does not match)")
                } else if let previousMAC, record.seq == expected, record.prev != previousMAC {
                    problems.append(
                        "\(place): record \(record.seq) does not follow the record before it (chain broken)")
                }
                previousMAC = record.mac
                expected = record.seq + 1
            }
        }
        if let state = AuditState.read(path: statePath), state.nextSeq > (expected ?? 1) {
            problems.append("records \(expected ?? 1)…\(state.nextSeq - 1) are missing from the end (log truncated)")
        }
        let seqs = try records().map(\.seq)
        return AuditVerification(
            records: count, firstSeq: seqs.first, lastSeq: seqs.last, files: paths.filter { access($0, F_OK) == 0 },
            problems: problems)
    }
}
