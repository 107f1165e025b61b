// Which receipts an alert needs before it counts as delivered: one bit per receiver path that must see it.
struct ReceiptParts: OptionSet, Sendable {
    let rawValue: UInt8

    /// Any request to the receiver, or a message to the raw broker's subscriber: the minimal configuration and the baselines.
    static let any = ReceiptParts(rawValue: 1 << 0)
    /// The example configuration's Teams card, posted to `/teams`.
    static let teams = ReceiptParts(rawValue: 1 << 1)
    /// The example configuration's generic (ticketing) webhook, posted to `/ticketing`.
    static let ticketing = ReceiptParts(rawValue: 1 << 2)

    /// The part a request to this path on the bench's receiver delivers.
    static func forPath(_ path: Substring) -> ReceiptParts {
        switch path {
        case "/teams": .teams
        case "/ticketing": .ticketing
        default: .any
        }
    }
}
