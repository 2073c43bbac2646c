import Foundation

/// A line a server printed, made safe to show: every word that looks secret, and every value the entry holds in
/// plain text, becomes `<secret>`.
enum Masking {
    static func mask(_ line: String, secrets: [String]) -> String {
        var masked = line
        for secret in secrets where secret.utf8.count >= 8 {
            masked = masked.replacingOccurrences(of: secret, with: "<secret>")
        }
        let separators: Set<Character> = [" ", "\t", "\"", "'", "=", ",", ";", "(", ")", "[", "]", "{", "}"]
        var out = "", word = ""
        func flush() {
            let secret = Array(word.utf8).withUnsafeBytes {
                SecretDetector.knownFormat($0) != nil || SecretDetector.looksRandom($0)
            }
            out += secret ? "<secret>" : word
            word = ""
        }
        for character in masked {
            if separators.contains(character) {
                flush()
                out.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return String(out.prefix(300))
    }
}
