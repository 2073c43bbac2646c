import Testing
import VaultMCP

struct UnifiedDiffTests {
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
}
