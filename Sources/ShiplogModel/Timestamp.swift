import ShiplogMacroSupport

/// A moment in time, read from RFC 3339 and always written as UTC `YYYY-MM-DDTHH:MM:SSZ`.
@MemberwiseInit
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z (fractions of a second are dropped).
    public let seconds: Int64

    /// Parses RFC 3339 (`2017-04-12T11:20:10Z`, `2017-04-12T13:20:10.5+02:00`); nil if it is not.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for i in start..<start + count {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        func isByte(_ i: Int, _ chars: String) -> Bool { i < b.count && chars.utf8.contains(b[i]) }
        guard let year = digits(0, 4), isByte(4, "-"), let month = digits(5, 2), isByte(7, "-"), let day = digits(8, 2),
            isByte(10, "Tt "), let hour = digits(11, 2), isByte(13, ":"), let minute = digits(14, 2), isByte(16, ":"),
            let second = digits(17, 2)
        else { return nil }
        var i = 19
        if isByte(i, ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start else { return nil }
        }
        var offset = 0
        if isByte(i, "Zz") {
            i += 1
        } else if isByte(i, "+-"), let oh = digits(i + 1, 2), isByte(i + 3, ":"), let om = digits(i + 4, 2), oh < 24, om < 60 {
            offset = (oh * 60 + om) * 60 * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count, (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let clock = hour * 3600 + minute * 60 + min(second, 59)
        let seconds = Int64(days) * 86_400 + Int64(clock - offset)
        // In UTC the time must still have a four-digit year (an offset can push it out of 0000–9999).
        guard seconds >= Self.earliest, seconds <= Self.latest else { return nil }
        // A leap second (`:60`, kept as :59) ends a UTC month (RFC 3339 §5.7): `12:00:60Z` is no time.
        if second == 60 {
            let nextDay = (seconds + 1).quotientAndRemainder(dividingBy: 86_400)
            guard nextDay.remainder == 0, Self.civilFromDays(Int(nextDay.quotient)).2 == 1 else { return nil }
        }
        self.seconds = seconds
    }

    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what `YYYY-MM-DDTHH:MM:SSZ` can write.
    static let earliest = Int64(daysFromCivil(year: 0, month: 1, day: 1)) * 86_400
    static let latest = Int64(daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400 - 1

    /// `2017-04-12T11:20:10Z`
    public var rfc3339: String {
        let (year, month, day, hour, minute, second) = components
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))Z"
    }

    /// `12 Apr 2017`, for people.
    public var humanDate: String {
        let (year, month, day, _, _, _) = components
        return "\(day) \(Self.monthNames[month - 1]) \(year)"
    }

    /// `Wed, 12 Apr 2017 11:20:10 +0000` (RFC 5322), for mail headers.
    public var rfc5322: String {
        let (year, month, day, hour, minute, second) = components
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let weekday = Self.weekdayNames[Int(((days % 7) + 7 + 4) % 7)]
        return "\(weekday), \(pad(day)) \(Self.monthNames[month - 1]) \(year) \(pad(hour)):\(pad(minute)):\(pad(second)) +0000"
    }

    public var description: String { rfc3339 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.seconds < rhs.seconds }

    private var components: (Int, Int, Int, Int, Int, Int) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let clock = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        return (year, month, day, clock / 3600, clock / 60 % 60, clock % 60)
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func pad(_ value: Int, _ width: Int = 2) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
