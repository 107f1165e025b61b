// What a reply by SMS or WhatsApp asks for: `ACK`, `1`, `RESOLVE`, `ESC <reason>`, each optionally with an alert
// reference (`ACK 3f2a`, `ESC 3f2a nobody on site`), case-insensitive.
import Contracts

public struct ReplyCommand: Sendable, Equatable {
    public var action: AckCommand.Action
    /// The alert reference the reply names (`TwilioText.reference`), lowercased; nil when it names none.
    public var reference: String?
    public var reason: String?

    public init(action: AckCommand.Action, reference: String? = nil, reason: String? = nil) {
        self.action = action
        self.reference = reference
        self.reason = reason
    }

    /// Nil for anything else (the sender gets the help text). `ESC` without a reason is nil too: escalating needs one.
    public static func parse(_ text: String) -> ReplyCommand? {
        var words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard let first = words.first?.uppercased() else { return nil }
        words.removeFirst()
        let action: AckCommand.Action
        switch first {
        case "ACK", "ACKNOWLEDGE", "1": action = .acknowledge
        case "RESOLVE", "RES", "2": action = .resolve
        case "ESC", "ESCALATE": action = .escalate
        default: return nil
        }
        var reference: String?
        if let next = words.first, isReference(next, alone: action != .escalate) {
            reference = next.lowercased()
            words.removeFirst()
        }
        let rest = words.joined(separator: " ")
        switch action {
        case .escalate:
            guard !rest.isEmpty else { return nil }
            return ReplyCommand(action: action, reference: reference, reason: String(rest.prefix(500)))
        default:
            // "ACK 3f2a" or "ACK"; anything longer is not a command we would guess at.
            guard rest.isEmpty else { return nil }
            return ReplyCommand(action: action, reference: reference)
        }
    }

    /// A reference is 4 to 16 hex digits. For ESC it must contain a digit, so a reason word like "face" or "dead" is
    /// not taken for one.
    static func isReference(_ word: String, alone: Bool) -> Bool {
        guard (4...16).contains(word.count), word.allSatisfy(\.isHexDigit) else { return false }
        return alone || word.contains(where: \.isNumber)
    }
}
