// RFC 3339 times by hand: UTC with milliseconds out; with or without a fraction, Z or ±HH:MM in.
import Foundation

/// Every message carries several times, so this is on the hot path of every service: Foundation's
/// ISO8601FormatStyle / ISO8601DateFormatter cost tens of microseconds per call (profiled at ~5 % of the
/// router's CPU), this a fraction of one. Plain civil-calendar arithmetic (proleptic Gregorian, UTC).
public enum RFC3339 {
    /// `2026-11-23T16:00:00.250Z`: always UTC, always three fraction digits (truncated, never rounded up,
    /// so a time is never written later than it happened).
    public static func string(from date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `string(from:)` appended to a buffer, without making a String: the JSON writer's path.
    static func append(_ date: Date, to bytes: inout [UInt8]) {
        // Rounding to whole microseconds first undoes the binary representation error of a Double near
        // 1.8e9 s (~0.2 µs): a parsed ".123" must not come back as ".122".
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard micros.isFinite, abs(micros) < 2.5e17 else {
            bytes.append(contentsOf: date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)).utf8)
            return
        }
        let totalMillis = floorDiv(Int64(micros), 1000)
        let millis = Int(totalMillis - floorDiv(totalMillis, 1000) * 1000)
        let seconds = floorDiv(totalMillis, 1000)
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        guard (0...9999).contains(year) else {
            bytes.append(contentsOf: date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)).utf8)
            return
        }
        put(year, digits: 4, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        put(month, digits: 2, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        put(day, digits: 2, into: &bytes)
        bytes.append(UInt8(ascii: "T"))
        put(secondOfDay / 3600, digits: 2, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay / 60 % 60, digits: 2, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay % 60, digits: 2, into: &bytes)
        bytes.append(UInt8(ascii: "."))
        put(millis, digits: 3, into: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t`, `z` and a space for `T` are accepted too
    /// (RFC 3339 §5.6 and its note). Nil for anything else, including impossible dates (2026-02-29).
    public static func date(from text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// `date(from:)` over UTF-8 bytes, without making a String: the JSON reader's path.
    static func date(utf8: UnsafeBufferPointer<UInt8>) -> Date? { parse(utf8) }

    private static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Date? {
        guard s.count >= 20 else { return nil }
        guard let year = number(s, 0, 4), s[4] == UInt8(ascii: "-"),
              let month = number(s, 5, 2), s[7] == UInt8(ascii: "-"),
              let day = number(s, 8, 2),
              s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") || s[10] == UInt8(ascii: " "),
              let hour = number(s, 11, 2), s[13] == UInt8(ascii: ":"),
              let minute = number(s, 14, 2), s[16] == UInt8(ascii: ":"),
              let second = number(s, 17, 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var index = 19
        var fraction = 0.0
        if s[index] == UInt8(ascii: ".") {
            index += 1
            var value: Int64 = 0
            var scale: Int64 = 1
            let start = index
            while index < s.count, let digit = digit(s[index]) {
                // Digits beyond nanoseconds cannot change a Double near today; read but ignore them.
                if scale < 1_000_000_000 {
                    value = value * 10 + Int64(digit)
                    scale *= 10
                }
                index += 1
            }
            guard index > start else { return nil }
            fraction = Double(value) / Double(scale)
        }
        guard index < s.count else { return nil }
        var offsetSeconds = 0
        switch s[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard s.count - index == 6, let offsetHours = number(s, index + 1, 2), s[index + 3] == UInt8(ascii: ":"),
                  let offsetMinutes = number(s, index + 4, 2), offsetHours <= 23, offsetMinutes <= 59 else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == s.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= s.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard let digit = digit(s[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Appends `value` as exactly `digits` decimal digits, zero-padded.
    private static func put(_ value: Int, digits: Int, into bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        var value = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            value %= divisor
            divisor /= 10
        }
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse (civil_from_days).
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
