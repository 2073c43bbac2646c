import Foundation
import Testing

/// `vault mcp doctor`, `wrap`, a second `wrap` and `unwrap` over a corpus of 75 client configs in the shapes users
/// write (Fixtures/corpus, with a manifest of which values are secrets), checked by an independent JSONC reader in
/// Fixtures/config_corpus.py: detection precision and recall, every rewrite valid with the bytes outside the
/// rewritten entries kept, a second wrap a no-op, and unwrap byte for byte the original.
struct ConfigCorpusTests {
    let sandbox = Sandbox()

    @Test func everyConfigOfTheCorpusRoundTripsAndEverySecretIsFound() throws {
        sandbox.initVault()
        let fixtures = try #require(Bundle.module.resourcePath) + "/Fixtures"
        let result = sandbox.process.start(
            "/usr/bin/python3",
            [fixtures + "/config_corpus.py", VaultProcess.binary, fixtures + "/corpus", sandbox.root + "/scratch"]
        ).wait()
        #expect(result.status == 0, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let found = report["found"] as? Int ?? 0, expected = report["expected"] as? Int ?? 0
        let truePositives = report["true_positives"] as? Int ?? 0
        let precision = found == 0 ? 0 : Double(truePositives) / Double(found)
        let recall = expected == 0 ? 0 : Double(truePositives) / Double(expected)
        print(
            "config corpus: \(report["files"] ?? 0) files, \(expected) secrets; precision \(truePositives)/\(found) = \(precision), recall \(truePositives)/\(expected) = \(recall)"
        )
        #expect(report["files"] as? Int ?? 0 >= 50)
        #expect(precision >= 0.95)
        #expect(recall == 1)
        let problems = report["problems"] as? [String] ?? ["no report"]
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
