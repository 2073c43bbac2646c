import Testing
import VaultCore
import VaultLaunch
import VaultMCP

struct TextToolsTests {
    private func guarded(_ text: String) -> SecretBytes {
        let bytes = Array(text.utf8)
        return SecretBytes(capacity: bytes.count) { out in
            bytes.withUnsafeBytes { out.copyMemory(from: $0) }
            return bytes.count
        }
    }

    @Test func diffShowsOnlyTheChangedLinesWithContext() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...20).map { "line \($0)" }
        lines[9] = "changed"
        lines.insert("added", at: 15)
        let diff = UnifiedDiff.render(old: old, new: lines.joined(separator: "\n") + "\n", path: "f")
        #expect(
            diff == """
                --- f
                +++ f (new)
                @@ -7,12 +7,13 @@
                 line 7
                 line 8
                 line 9
                -line 10
                +changed
                 line 11
                 line 12
                 line 13
                 line 14
                 line 15
                +added
                 line 16
                 line 17
                 line 18

                """)
        #expect(UnifiedDiff.render(old: old, new: old, path: "f").isEmpty)
        #expect(UnifiedDiff.render(old: "", new: "a\n", path: "f").contains("@@ -0,0 +1,1 @@\n+a\n"))
    }

    @Test func editsApplyInAnyOrder() {
        let result = guarded("0123456789").withUnsafeBytes {
            TextEdit.apply(
                [
                    TextEdit(range: 7..<9, replacement: Array("X".utf8)),
                    TextEdit(range: 1..<2, replacement: Array("abc".utf8)),
                ], to: $0)
        }
        #expect(result.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == "0abc23456X9")
    }

    @Test func templateReferencesAndTheirEnds() throws {
        let template = try SecretTemplate(
            text: Array("a vault://x/y. b \"vault://x/y@3\" c vault://x/y@previous/".utf8), file: "t")
        #expect(template.references.map(\.text) == ["vault://x/y", "vault://x/y@3", "vault://x/y@previous"])
        #expect(template.references.map(\.reference.version) == [nil, 3, nil])
        #expect(template.references[2].reference.previous)
        let values = ["A", "BB", "CCC"].map { SecretBox(guarded($0)) }
        #expect(
            template.render(values).withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == "a A. b \"BB\" c CCC/")
        #expect(throws: VaultError.self) { try SecretTemplate(text: Array("vault://x@latest".utf8), file: "t") }
    }

    @Test(arguments: [
        (["podman", "run", "--rm", "img"], ["podman", "run", "--secret", "s", "--rm", "img"], [String]()),
        (
            ["/usr/bin/podman", "--root", "/r", "--runtime=runc", "container", "run", "img"],
            ["/usr/bin/podman", "--root", "/r", "--runtime=runc", "container", "run", "--secret", "s", "img"],
            ["--root", "/r", "--runtime=runc"]
        ),
        (
            ["docker", "-H", "unix:///x", "create", "img"],
            ["docker", "-H", "unix:///x", "create", "--secret", "s", "img"], ["-H", "unix:///x"]
        ),
    ])
    func containerCommandsGetOptionsAfterTheSubcommand(
        _ argv: [String], _ expected: [String], _ globals: [String]
    ) throws {
        let command = try #require(ContainerCommand(argv))
        #expect(command.inserting(["--secret", "s"]) == expected)
        #expect(command.globalOptions == globals)
    }

    @Test func otherCommandsAreNotContainers() {
        #expect(ContainerCommand(["podman", "ps"]) == nil)
        #expect(ContainerCommand(["npx", "run"]) == nil)
        #expect(ContainerCommand(["podman", "--log-level", "debug"]) == nil)
    }
}
