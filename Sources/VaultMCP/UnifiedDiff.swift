/// A unified diff (`diff -u` style, 3 lines of context) between two texts, by Myers' algorithm over lines.
public enum UnifiedDiff {
    /// The diff of `old` to `new`, labelled with `path`; empty when they are equal.
    public static func render(old: String, new: String, path: String) -> String {
        let a = lines(old), b = lines(new)
        let script = editScript(a, b)
        guard script.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- \(path)\n+++ \(path) (new)\n"
        let changes = script.indices.filter { script[$0].kind != .same }
        var groups: [[Int]] = []
        for change in changes {
            if let last = groups.last?.last, change - last <= 6 {
                groups[groups.count - 1].append(change)
            } else {
                groups.append([change])
            }
        }
        for group in groups {
            let hunk = script[max(0, group.first! - 3)..<min(script.count, group.last! + 4)]
            let oldCount = hunk.filter { $0.kind != .insert }.count, newCount = hunk.filter { $0.kind != .delete }.count
            let oldStart = hunk.first!.oldLine + (oldCount == 0 ? 0 : 1),
                newStart = hunk.first!.newLine + (newCount == 0 ? 0 : 1)
            out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for step in hunk {
                switch step.kind {
                case .same: out += " " + a[step.oldLine] + "\n"
                case .delete: out += "-" + a[step.oldLine] + "\n"
                case .insert: out += "+" + b[step.newLine] + "\n"
                }
            }
        }
        return out
    }

    struct Step {
        enum Kind { case same, delete, insert }
        let kind: Kind
        /// The line in the old text this step is at (for an insert: the next old line).
        let oldLine: Int
        /// The line in the new text this step is at (for a delete: the next new line).
        let newLine: Int
    }

    private static func lines(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// The shortest edit script (Myers 1986), walked back from the saved frontiers.
    static func editScript(_ a: [String], _ b: [String]) -> [Step] {
        let n = a.count, m = b.count, offset = n + m + 1
        var frontier = [Int](repeating: 0, count: 2 * offset + 1)
        var trace: [[Int]] = []
        search: for d in 0...(n + m) {
            trace.append(frontier)
            for k in stride(from: -d, through: d, by: 2) {
                var x =
                    k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1])
                    ? frontier[offset + k + 1] : frontier[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                frontier[offset + k] = x
                if x >= n && y >= m { trace.append(frontier); break search }
            }
        }
        var steps: [Step] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1
            let previousX = v[offset + previousK], previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1; y -= 1
                steps.append(Step(kind: .same, oldLine: x, newLine: y))
            }
            if d > 0 {
                if x == previousX {
                    y -= 1; steps.append(Step(kind: .insert, oldLine: x, newLine: y))
                } else {
                    x -= 1; steps.append(Step(kind: .delete, oldLine: x, newLine: y))
                }
            }
        }
        return steps.reversed()
    }
}
