// The hand-written RFC 3339 formatter and parser: round trips, offsets, calendar edges, fractions, refusals.
import Contracts
import Foundation
import Testing

/// Foundation's parser, the reference the fast path must agree with.
private func reference(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
}

@Test func writesUTCWithMilliseconds() {
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_795_449_600.25)) == "2026-11-23T16:00:00.250Z")
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
    #expect(RFC3339.string(from: Date(timeIntervalSince1970: 4_107_542_399.999)) == "2100-02-28T23:59:59.999Z")
}

@Test func millisecondsSurviveARoundTrip() {
    for text in ["2026-11-23T16:00:00.123Z", "2026-11-23T16:00:00.001Z", "2026-11-23T16:00:00.999Z", "2024-02-29T23:59:59.007Z",
                 "1999-12-31T23:59:59.990Z", "2038-01-19T03:14:08.100Z"] {
        #expect(RFC3339.date(from: text).map(RFC3339.string(from:)) == text)
    }
}

@Test func agreesWithFoundationOverManyInstants() throws {
    // Every ~6 days and 28 ms over 1960...2095: leap years, month ends, negative times. The extra half
    // millisecond keeps each instant off a millisecond boundary, where Foundation truncates the Double's
    // representation error (…59.99699999 → ".996") and this formatter, by design, does not.
    for step in 0..<8_000 {
        // Computed, not accumulated: summing would drift the fraction onto a boundary.
        let date = Date(timeIntervalSince1970: -315_619_200.0005 + Double(step) * 532_800.028)
        let text = RFC3339.string(from: date)
        let expected = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        #expect(text == expected)
        let parsed = try #require(RFC3339.date(from: text))
        #expect(abs(parsed.timeIntervalSince(try #require(reference(text)))) < 1e-6)
    }
}

@Test func readsOffsetsFractionsAndNoFraction() throws {
    let utc = try #require(RFC3339.date(from: "2026-11-23T17:00:00Z"))
    #expect(RFC3339.date(from: "2026-11-23T18:00:00+01:00") == utc)
    #expect(RFC3339.date(from: "2026-11-23T11:30:00-05:30") == utc)
    #expect(RFC3339.date(from: "2026-11-24T00:00:00+07:00") == utc)
    #expect(RFC3339.date(from: "2026-11-23T17:00:00+00:00") == utc)
    #expect(RFC3339.date(from: "2026-11-23t17:00:00z") == utc)
    #expect(RFC3339.date(from: "2026-11-23 17:00:00Z") == utc)
    #expect(RFC3339.date(from: "2026-11-23T17:00:00.5Z") == utc.addingTimeInterval(0.5))
    #expect(RFC3339.date(from: "2026-11-23T18:00:00.25+01:00") == utc.addingTimeInterval(0.25))
    let nanos = try #require(RFC3339.date(from: "2026-11-23T17:00:00.123456789123Z"))
    #expect(abs(nanos.timeIntervalSince(utc) - 0.123456789) < 1e-6)
    for text in ["2026-11-23T17:00:00.123+02:00", "2016-12-31T23:59:59-08:00", "1970-01-01T00:00:00Z", "1969-07-20T20:17:40.5Z"] {
        #expect(RFC3339.date(from: text) == reference(text), "\(text)")
    }
}

@Test func knowsLeapYears() {
    #expect(RFC3339.date(from: "2024-02-29T00:00:00Z") != nil)
    #expect(RFC3339.date(from: "2000-02-29T00:00:00Z") != nil)
    #expect(RFC3339.date(from: "2026-02-29T00:00:00Z") == nil)
    #expect(RFC3339.date(from: "2100-02-29T00:00:00Z") == nil)
    #expect(RFC3339.date(from: "2024-03-01T00:00:00Z")!.timeIntervalSince(RFC3339.date(from: "2024-02-28T00:00:00Z")!) == 2 * 86_400)
}

@Test func refusesWhatIsNotRFC3339() {
    for text in ["", "yesterday", "2026-11-23", "2026-11-23T17:00:00", "2026-11-23T17:00Z", "2026-13-01T00:00:00Z",
                 "2026-04-31T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T17:60:00Z",
                 "2026-11-23T17:00:61Z", "2026-11-23T17:00:00.Z", "2026-11-23T17:00:00+0100", "2026-11-23T17:00:00+01",
                 "2026-11-23T17:00:00+24:00", "2026-11-23T17:00:00Zjunk", "2026-11-23T17:00:00ZZ", "2026/11/23T17:00:00Z",
                 "2026-11-23X17:00:00Z", "２０２６-11-23T17:00:00Z", "+2026-11-23T17:00:00Z", "2026-11-23T17:00:00.12a4Z"] {
        #expect(RFC3339.date(from: text) == nil, "\(text)")
    }
}
