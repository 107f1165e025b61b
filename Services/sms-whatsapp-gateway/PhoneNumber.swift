// An E.164 phone number as Twilio takes it: `+` and 7 to 15 digits as the configuration checks, and no leading 0 (no
// country code starts with one).

public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+15551230001`.
    public let e164: String

    /// Accepts `+15551230001` and `whatsapp:+15551230001`; nil for anything else (spaces, dashes, a national number).
    public init?(_ text: String) {
        var value = Substring(text)
        if value.hasPrefix(Self.whatsappPrefix) { value = value.dropFirst(Self.whatsappPrefix.count) }
        guard value.first == "+" else { return nil }
        let digits = value.dropFirst()
        guard (7...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else { return nil }
        e164 = String(value)
    }

    static let whatsappPrefix = "whatsapp:"

    /// The address on a channel: `whatsapp:+…` for WhatsApp, the bare number for SMS.
    public func address(whatsapp: Bool) -> String { whatsapp ? Self.whatsappPrefix + e164 : e164 }

    public var description: String { e164 }
}
