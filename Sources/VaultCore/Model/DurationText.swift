/// Durations written as people write them in policy files and options: `90s`, `15m`, `24h`, `30d`, `2w`, or a
/// sum such as `1h30m`. Units: s, m, h, d (24 h), w (7 d). No sign, no fractions, no bare numbers.
public enum DurationText {
    /// Seconds, or nil when `text` is not a duration.
    public static func seconds(_ text: String) -> Double? {
        var total = 0.0, number = 0.0, digits = 0, parts = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = number * 10 + Double(digit)
                digits += 1
                continue
            }
            let unit: Double
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: return nil
            }
            guard digits > 0 else { return nil }
            total += number * unit
            number = 0
            digits = 0
            parts += 1
        }
        guard digits == 0, parts > 0 else { return nil }
        return total
    }
}
