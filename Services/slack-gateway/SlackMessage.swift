// The Block Kit message of an alert: header with severity, summary, facts, links, and Acknowledge / Resolve buttons
// while the alert is open, in an attachment coloured by severity.
import Contracts
import Foundation

public enum SlackMessage {
    /// `blocks`, `attachments` and the notification `text` of a post or an edit (the caller adds `channel`, `ts`).
    public static func content(for dispatch: DispatchRequest) -> [String: JSONValue] {
        let alert = dispatch.alert
        return [
            "text": .string(fallback(for: dispatch)),
            "attachments": .array([.object(["color": .string(color(alert.severity)), "blocks": .array(blocks(for: dispatch))])]),
        ]
    }

    /// What notifications and screen readers show.
    static func fallback(for dispatch: DispatchRequest) -> String {
        "\(emoji(dispatch.alert.severity)) \(dispatch.title)"
    }

    static func blocks(for dispatch: DispatchRequest) -> [JSONValue] {
        let alert = dispatch.alert
        var blocks: [JSONValue] = [
            .object(["type": .string("header"), "text": plain(limit("\(emoji(alert.severity)) \(alert.severity.rawValue.uppercased()): \(alert.summary)", 150))]),
            .object(["type": .string("section"), "text": mrkdwn(limit(status(of: alert), 3000)), "fields": .array(fields(for: dispatch))]),
        ]
        if !alert.links.isEmpty {
            let links = alert.links.prefix(10).map { "<\($0.href)|\(escape($0.text ?? $0.href))>" }.joined(separator: " · ")
            blocks.append(.object(["type": .string("context"), "elements": .array([mrkdwn(limit(links, 3000))])]))
        }
        if alert.status != .resolved {
            var buttons: [JSONValue] = []
            if alert.status == .triggered { buttons.append(button(.acknowledge, dispatch: dispatch)) }
            buttons.append(button(.resolve, dispatch: dispatch))
            blocks.append(.object(["type": .string("actions"), "block_id": .string("alert_actions"), "elements": .array(buttons)]))
        }
        return blocks
    }

    /// Who acknowledged or resolved, and when; the alert's own words otherwise.
    static func status(of alert: Alert) -> String {
        switch alert.status {
        case .triggered:
            return "*Triggered* \(time(alert.createdAt))" + (alert.count > 1 ? " · seen \(alert.count) times" : "")
        case .acknowledged:
            return ":eyes: *Acknowledged*\(alert.acknowledgedBy.map { " by \(escape($0))" } ?? "")"
                + (alert.acknowledgedAt.map { " at \(time($0))" } ?? "")
        case .resolved:
            return ":white_check_mark: *Resolved*\(alert.resolvedBy.map { " by \(escape($0))" } ?? "")"
                + (alert.resolvedAt.map { " at \(time($0))" } ?? "")
        }
    }

    /// `2026-12-05 04:10:27 UTC`: what a reader in any time zone takes in at a glance.
    static func time(_ date: Date) -> String {
        RFC3339.string(from: date).prefix(19).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    static func fields(for dispatch: DispatchRequest) -> [JSONValue] {
        let alert = dispatch.alert
        var facts: [(String, String)] = [("Severity", alert.severity.rawValue)]
        if let service = alert.service { facts.append(("Service", service)) }
        if let source = alert.source { facts.append(("Source", source)) }
        if let priority = dispatch.priority { facts.append(("Priority", priority)) }
        if alert.level > 0 { facts.append(("Escalation level", String(alert.level))) }
        for key in alert.details.keys.sorted() where facts.count < 10 {
            guard let value = scalar(alert.details[key]) else { continue }
            facts.append((key, value))
        }
        // Slack takes at most 10 fields of at most 2000 characters.
        return facts.prefix(10).map { mrkdwn(limit("*\(escape($0.0))*\n\(escape($0.1))", 2000)) }
    }

    static func button(_ action: AckCommand.Action, dispatch: DispatchRequest) -> JSONValue {
        var value: [String: JSONValue] = ["tenant": .string(dispatch.alert.tenant), "alert_id": .string(dispatch.alert.id)]
        if let token = dispatch.actions.first(where: { $0.action == action })?.token { value["token"] = .string(token) }
        let isAcknowledge = action == .acknowledge
        return .object([
            "type": .string("button"),
            "action_id": .string(action.rawValue),
            "text": plain(isAcknowledge ? "Acknowledge" : "Resolve"),
            "style": .string(isAcknowledge ? "primary" : "danger"),
            "value": .string(encode(.object(value))),
        ])
    }

    /// An escalation note, posted in the message's thread.
    public static func threadReply(for dispatch: DispatchRequest) -> [String: JSONValue] {
        ["text": .string(":rotating_light: \(dispatch.body)")]
    }

    public static func emoji(_ severity: Severity) -> String {
        switch severity {
        case .critical: ":red_circle:"
        case .error: ":large_orange_circle:"
        case .warning: ":large_yellow_circle:"
        case .info: ":large_blue_circle:"
        }
    }

    public static func color(_ severity: Severity) -> String {
        switch severity {
        case .critical: "#D0021B"
        case .error: "#F5A623"
        case .warning: "#F8E71C"
        case .info: "#4A90E2"
        }
    }

    /// Compact JSON with sorted keys: the same dispatch always gives the same bytes.
    public static func encode(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    static func plain(_ text: String) -> JSONValue { .object(["type": .string("plain_text"), "text": .string(text), "emoji": .bool(true)]) }
    static func mrkdwn(_ text: String) -> JSONValue { .object(["type": .string("mrkdwn"), "text": .string(text)]) }

    /// Slack's three control characters in mrkdwn.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func limit(_ text: String, _ count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count - 1)) + "…"
    }

    static func scalar(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }
}
