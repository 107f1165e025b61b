// Parsing of the Retry-After header: delta-seconds or one of the three HTTP-date formats.
import Foundation

extension RetryPolicy {
    /// Seconds from `now` that a Retry-After value asks for; nil when it is neither form.
    public static func retryAfterSeconds(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit) {
            return Double(trimmed) ?? .greatestFiniteMagnitude
        }
        guard let date = parseHTTPDate(trimmed) else { return nil }
        return date.timeIntervalSince(now)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Accepts IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT")
    /// and asctime ("Sun Nov  6 08:49:37 1994"), as RFC 9110 §5.6.7 asks of recipients.
    /// Hand-written because DateFormatter is neither Sendable nor locale-proof.
    static func parseHTTPDate(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        var month: Int?
        var numbers: [Int] = []
        var numberWidths: [Int] = []
        var clock: (Int, Int, Int)?
        for token in tokens {
            if token.contains(":") {
                let parts = token.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3 else { return nil }
                clock = (parts[0], parts[1], parts[2])
            } else if let number = Int(token) {
                numbers.append(number)
                numberWidths.append(token.count)
            } else if let index = months.firstIndex(of: token.lowercased()) {
                month = index + 1
            } else if token.uppercased() != "GMT" && !token.allSatisfy(\.isLetter) {
                return nil
            }
        }
        guard let month, let (hour, minute, second) = clock, numbers.count == 2 else { return nil }
        let day = numbers[0]
        var year = numbers[1]
        if numberWidths[1] == 2 {
            // RFC 850's two-digit year: RFC 9110 reads one that looks over 50 years ahead as the past century.
            year += year < 70 ? 2000 : 1900
        }
        guard (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
