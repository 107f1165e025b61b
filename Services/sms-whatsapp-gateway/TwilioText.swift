// The text of an SMS or WhatsApp message: severity, summary, a short link and how to answer by reply, within a
// segment budget for SMS.
import Contracts
import Foundation

public enum TwilioText {
    /// Two segments: 2 × 153 GSM-7 characters, or 2 × 67 UTF-16 units once any character needs UCS-2.
    static let gsmBudget = 306
    static let ucs2Budget = 134
    /// Longer links (a long action token) are left out of SMS rather than cut.
    static let maxLinkLength = 100

    /// The short reference of an alert in replies: the last four characters of its id.
    public static func reference(_ alertId: String) -> String { String(alertId.suffix(4)).lowercased() }

    /// The link worth a tap: the acknowledge action's page, else the alert's first link; nil when both are long.
    static func link(_ dispatch: DispatchRequest, maxLength: Int) -> String? {
        let candidates = dispatch.actions.filter { $0.action == .acknowledge }.compactMap(\.url) + dispatch.links.map(\.href)
        return candidates.first { $0.count <= maxLength }
    }

    static func headline(_ dispatch: DispatchRequest) -> String {
        switch dispatch.kind {
        case .notify:
            return dispatch.event == .escalated
                ? "\(dispatch.severity.rawValue.uppercased()) (escalated): \(dispatch.alert.summary)"
                : "\(dispatch.severity.rawValue.uppercased()): \(dispatch.alert.summary)"
        case .update:
            return dispatch.title
        }
    }

    static func replyHint(_ dispatch: DispatchRequest) -> String? {
        let ref = reference(dispatch.alert.id)
        if dispatch.kind == .notify { return "Reply ACK \(ref), RESOLVE \(ref) or ESC \(ref) <reason>" }
        if dispatch.event == .acknowledged { return "Reply RESOLVE \(ref) or ESC \(ref) <reason>" }
        return "(ref \(ref))"
    }

    /// The SMS: the summary is what gets shortened to keep within the budget.
    public static func sms(_ dispatch: DispatchRequest) -> String {
        let tail = [link(dispatch, maxLength: maxLinkLength), replyHint(dispatch)].compactMap { $0 }
        let head = headline(dispatch)
        let full = ([head] + tail).joined(separator: "\n")
        let gsm = isGSM(full)
        let budget = gsm ? gsmBudget : ucs2Budget
        if units(full, gsm: gsm) <= budget { return full }
        let tailText = tail.joined(separator: "\n")
        let room = budget - units(tailText, gsm: gsm) - 1
        guard room > 10 else { return String(head.prefix(gsm ? gsmBudget : ucs2Budget / 2)) }
        return cut(head, toUnits: room, gsm: gsm) + "\n" + tailText
    }

    /// Free text on WhatsApp (inside the session window): title, body, link and how to reply; no segment budget.
    public static func whatsapp(_ dispatch: DispatchRequest) -> String {
        var lines = [headline(dispatch)]
        if !dispatch.body.isEmpty, dispatch.body != dispatch.alert.summary { lines.append(String(dispatch.body.prefix(1_000))) }
        if let link = link(dispatch, maxLength: 2_000) { lines.append(link) }
        if let hint = replyHint(dispatch) { lines.append(hint) }
        return lines.joined(separator: "\n")
    }

    /// The approved template's variables: 1 severity (for an update: what happened, `ACKNOWLEDGED`, `RESOLVED`…),
    /// 2 summary, 3 reference, 4 link.
    public static func templateVariables(_ dispatch: DispatchRequest) -> String {
        let variables: [String: String] = [
            "1": dispatch.kind == .update ? dispatch.event.rawValue.uppercased() : dispatch.severity.rawValue.uppercased(),
            "2": String(dispatch.alert.summary.prefix(500)),
            "3": reference(dispatch.alert.id),
            "4": link(dispatch, maxLength: 2_000) ?? "-",
        ]
        let data = (try? JSONSerialization.data(withJSONObject: variables, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: segments

    /// GSM 03.38's basic set (printable ASCII without the extension characters' special cost is close enough: those
    /// count twice), plus newline.
    static let gsmExtension: Set<Character> = ["^", "{", "}", "\\", "[", "]", "~", "|", "€"]
    static let gsmBasicNonASCII: Set<Character> = ["£", "¥", "è", "é", "ù", "ì", "ò", "Ç", "Ø", "ø", "Å", "å", "Δ", "Φ", "Γ", "Λ", "Ω",
                                                   "Π", "Ψ", "Σ", "Θ", "Ξ", "Æ", "æ", "ß", "É", "¤", "¡", "Ä", "Ö", "Ñ", "Ü", "§",
                                                   "¿", "ä", "ö", "ñ", "ü", "à"]

    static func isGSM(_ text: String) -> Bool {
        text.allSatisfy { $0 == "\n" || ($0.isASCII && ($0.asciiValue! >= 32 && $0.asciiValue! < 127) && $0 != "`")
            || gsmBasicNonASCII.contains($0) || $0 == "€" }
    }

    static func units(_ text: String, gsm: Bool) -> Int {
        gsm ? text.reduce(0) { $0 + (gsmExtension.contains($1) ? 2 : 1) } : text.utf16.count
    }

    static func cut(_ text: String, toUnits limit: Int, gsm: Bool) -> String {
        // "…" is not in GSM-7: three dots there.
        let ellipsis = gsm ? "..." : "…"
        var result = ""
        var used = 0
        for character in text {
            let cost = gsm ? (gsmExtension.contains(character) ? 2 : 1) : String(character).utf16.count
            if used + cost > limit - ellipsis.count { break }
            result.append(character)
            used += cost
        }
        return result + ellipsis
    }
}
