// A length of time as operators write it: "90s", "15m", "2h", "7d", or plain seconds.
import Foundation

/// A duration from the configuration file. Accepts a number with a unit (`s`, `m`, `h`,
/// `d`, `w`), several of them run together (`1h30m`), or a plain number of seconds.
/// A leading `-` is accepted so that validation can say "must not be negative".
public struct ConfigDuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public static func seconds(_ value: Double) -> ConfigDuration { .init(seconds: value) }
    public static func minutes(_ value: Double) -> ConfigDuration { .init(seconds: value * 60) }
    public static func hours(_ value: Double) -> ConfigDuration { .init(seconds: value * 3600) }
    public static func days(_ value: Double) -> ConfigDuration { .init(seconds: value * 86400) }
    public static let zero = ConfigDuration(seconds: 0)

    /// The same length as a Swift `Duration`, for clocks and sleeps.
    public var duration: Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    public init?(parsing text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1.0
        if rest.first == "-" { sign = -1; rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        if let plain = Double(rest), plain.isFinite {
            self.init(seconds: sign * plain)
            return
        }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), let scale = Self.unitSeconds[String(unit)] else { return nil }
            total += value * scale
        }
        self.init(seconds: sign * total)
    }

    private static let unitSeconds: [String: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]

    /// The shortest exact form in one unit: 7200 seconds is "2h", 90 is "90s".
    public var description: String {
        let sign = seconds < 0 ? "-" : ""
        let magnitude = abs(seconds)
        for (unit, scale) in [("d", 86400.0), ("h", 3600), ("m", 60)] where magnitude >= scale {
            let count = magnitude / scale
            if count == count.rounded() { return "\(sign)\(Int(count))\(unit)" }
        }
        if magnitude == magnitude.rounded() { return "\(sign)\(Int(magnitude))s" }
        return "\(sign)\(magnitude)s"
    }

    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool { lhs.seconds < rhs.seconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid duration \"\(text)\" (write it like 90s, 15m, 2h or 7d)")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
