/// Durations written as people write them in policy files and options: `90s`, `15m`, `24h`, `30d`, `2w`, or a
/// sum such as `1h30m`. Units: s, m, h, d (24 h), w (7 d). No sign, no fractions, no bare numbers, nothing
/// longer than `maximum` (100 years: every date computed from a duration stays representable).
public enum DurationText {
    /// The longest duration accepted, in seconds (100 years of 365.25 days).
    public static let maximum: Double = 100 * 365.25 * 86_400

    /// Seconds, or nil when `text` is not a duration or is longer than `maximum`.
    public static func seconds(_ text: String) -> Double? {
        var total = 0.0, number = 0.0, digits = 0, parts = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = number * 10 + Double(digit)
                digits += 1
                guard number <= maximum else { return nil }
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
        guard digits == 0, parts > 0, total <= maximum else { return nil }
        return total
    }

    /// `seconds` in its largest whole unit, as people say it: `45s`, `12m`, `3h`, `2d`.
    public static func approximate(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds))
        switch whole {
        case ..<120: return "\(whole)s"
        case ..<7200: return "\(whole / 60)m"
        case ..<172_800: return "\(whole / 3600)h"
        default: return "\(whole / 86_400)d"
        }
    }
}
