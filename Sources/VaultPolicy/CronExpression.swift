public import Foundation

/// A five-field cron schedule, `minute hour day-of-month month day-of-week`, evaluated in UTC. Each field takes
/// `*`, numbers, ranges `a-b`, lists `a,b` and steps `*/n` or `a-b/n`; months also `JAN`…`DEC` and weekdays
/// `SUN`…`SAT` (any case); day-of-week 0 and 7 are Sunday. `@yearly` (`@annually`), `@monthly`, `@weekly`,
/// `@daily` (`@midnight`) and `@hourly` stand for their usual five fields. As in cron, when both day fields are
/// restricted, a day matching either one fires.
public struct CronExpression: Sendable, Hashable {
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let daysRestricted: Bool, weekdaysRestricted: Bool

    /// Parses an expression, or says which field is wrong.
    public init(_ text: String) throws(PolicyError) {
        let shorthands = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
        ]
        if text.hasPrefix("@"), shorthands[text.lowercased()] == nil {
            throw PolicyError("'\(text)' is not a cron shorthand; use @yearly, @monthly, @weekly, @daily or @hourly")
        }
        let expanded = shorthands[text.lowercased()] ?? text
        let fields = expanded.split(separator: " ", omittingEmptySubsequences: true).enumerated().map { index, field in
            index == 3
                ? Self.replacingNames(String(field), Self.monthNames, from: 1)
                : index == 4 ? Self.replacingNames(String(field), Self.dayNames, from: 0) : String(field)
        }
        guard fields.count == 5 else {
            throw PolicyError(
                "a cron schedule has 5 fields (minute hour day month weekday), '\(text)' has \(fields.count)")
        }
        minutes = try Self.field(fields[0], 0...59, "minute")
        hours = try Self.field(fields[1], 0...23, "hour")
        days = try Self.field(fields[2], 1...31, "day-of-month")
        months = try Self.field(fields[3], 1...12, "month")
        weekdays = Set(try Self.field(fields[4], 0...7, "day-of-week").map { $0 % 7 })
        daysRestricted = fields[2] != "*"
        weekdaysRestricted = fields[4] != "*"
    }

    /// The first firing time strictly after `date` (within four years), at a whole minute.
    public func next(after date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.dateInterval(of: .minute, for: date)!.start.addingTimeInterval(60)
        var parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: start)
        let limit = parts.year! + 4
        while parts.year! <= limit {
            guard months.contains(parts.month!) else {
                parts.month! += 1; parts.day = 1; parts.hour = 0; parts.minute = 0
                normalize(&parts, calendar)
                continue
            }
            let day = calendar.date(from: parts)!
            guard dayMatches(day, parts.day!, calendar) else {
                parts.day! += 1; parts.hour = 0; parts.minute = 0
                normalize(&parts, calendar)
                continue
            }
            guard hours.contains(parts.hour!) else {
                parts.hour! += 1; parts.minute = 0
                normalize(&parts, calendar)
                continue
            }
            guard minutes.contains(parts.minute!) else {
                parts.minute! += 1
                normalize(&parts, calendar)
                continue
            }
            return calendar.date(from: parts)
        }
        return nil
    }

    private func dayMatches(_ date: Date, _ day: Int, _ calendar: Calendar) -> Bool {
        let weekday = calendar.component(.weekday, from: date) - 1
        switch (daysRestricted, weekdaysRestricted) {
        case (true, true): return days.contains(day) || weekdays.contains(weekday)
        case (true, false): return days.contains(day)
        case (false, true): return weekdays.contains(weekday)
        case (false, false): return true
        }
    }

    private func normalize(_ parts: inout DateComponents, _ calendar: Calendar) {
        parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: calendar.date(from: parts)!)
    }

    private static let monthNames = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// `field` with each name (`MON`, `jan`) replaced by its number.
    private static func replacingNames(_ field: String, _ names: [String], from first: Int) -> String {
        var result = field.uppercased()
        for (index, name) in names.enumerated() {
            result = result.replacingOccurrences(of: name, with: String(first + index))
        }
        return result
    }

    private static func field(_ text: String, _ range: ClosedRange<Int>, _ name: String) throws(PolicyError) -> Set<Int>
    {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let base = pieces.first else {
                throw PolicyError("cron \(name) field '\(text)' is not valid")
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else {
                    throw PolicyError("cron \(name) step in '\(text)' must be a positive number")
                }
                step = parsed
            }
            var bounds = range
            if base != "*" {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard ends.count <= 2, let low = ends.first ?? nil, let high = ends.last ?? nil, low <= high,
                    range.contains(low), range.contains(high)
                else {
                    throw PolicyError(
                        "cron \(name) field '\(text)' must use numbers \(range.lowerBound)-\(range.upperBound)")
                }
                bounds = low...(pieces.count == 2 && ends.count == 1 ? range.upperBound : high)
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }
}
