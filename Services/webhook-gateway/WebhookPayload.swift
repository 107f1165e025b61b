// The request body for each webhook type: generic JSON, Microsoft Teams (Adaptive Card), Google Chat (cardsV2), Discord (embed).
import Config
import Contracts
import Foundation

public enum WebhookPayload {
    public static func body(for dispatch: DispatchRequest, type: WebhookConfig.Kind, at now: Date) throws -> Data {
        switch type {
        case .generic: return try generic(dispatch, at: now)
        case .teams: return try JSONCoding.encode(teams(dispatch))
        case .googleChat: return try JSONCoding.encode(googleChat(dispatch))
        case .discord: return try JSONCoding.encode(discord(dispatch))
        }
    }

    /// Standard Webhooks' recommended shape: `{type, timestamp, data}` (`Generic`, generated from JSONTypes.yaml).
    static func generic(_ dispatch: DispatchRequest, at now: Date) throws -> Data {
        try JSONCoding.encode(Generic(type: "alert.\(dispatch.event.rawValue)", timestamp: now,
                                      data: .init(dispatchId: dispatch.dispatchId, event: dispatch.event, title: dispatch.title,
                                                  body: dispatch.body, severity: dispatch.severity, alert: dispatch.alert)))
    }

    static func facts(_ dispatch: DispatchRequest) -> [(String, String)] {
        var facts: [(String, String)] = [("Severity", dispatch.severity.rawValue), ("Status", dispatch.alert.status.rawValue)]
        if let service = dispatch.alert.service { facts.append(("Service", service)) }
        if let source = dispatch.alert.source { facts.append(("Source", source)) }
        if let by = dispatch.alert.acknowledgedBy { facts.append(("Acknowledged by", by)) }
        return facts
    }

    /// What happened, as the first line of every card: "CRITICAL · Triggered".
    static func headline(_ dispatch: DispatchRequest) -> String {
        "\(dispatch.severity.rawValue.uppercased()) · \(dispatch.event.rawValue.capitalized)"
    }

    /// Links to open and action links to press, in that order: (text, url).
    static func buttons(_ dispatch: DispatchRequest) -> [(String, String)] {
        dispatch.links.map { ($0.text ?? $0.href, $0.href) }
            + dispatch.actions.compactMap { action in action.url.map { (action.action.rawValue.capitalized, $0) } }
    }

    /// Teams: an Adaptive Card (1.4, what incoming webhooks render) as the message's only attachment. Teams refuses a
    /// message over 28 KB: title and body are cut well below.
    static func teams(_ dispatch: DispatchRequest) -> JSONValue {
        let color: String = switch dispatch.event {
        case .resolved: "Good"
        case .acknowledged: "Warning"
        default: dispatch.severity == .critical || dispatch.severity == .error ? "Attention" : dispatch.severity == .warning ? "Warning" : "Accent"
        }
        let body: [JSONValue] = [
            .object(["type": .string("TextBlock"), "text": .string(headline(dispatch)), "weight": .string("Bolder"),
                     "color": .string(color), "size": .string("Small"), "wrap": .bool(true)]),
            .object(["type": .string("TextBlock"), "text": .string(Truncation.text(dispatch.title, maxCharacters: 256)),
                     "weight": .string("Bolder"), "size": .string("Medium"), "wrap": .bool(true)]),
            .object(["type": .string("TextBlock"), "text": .string(Truncation.text(dispatch.body, maxCharacters: 4_000)), "wrap": .bool(true)]),
            .object(["type": .string("FactSet"),
                     "facts": .array(facts(dispatch).map { .object(["title": .string($0.0), "value": .string($0.1)]) })]),
        ]
        let actions: [JSONValue] = buttons(dispatch).prefix(6).map {
            .object(["type": .string("Action.OpenUrl"), "title": .string(Truncation.text($0.0, maxCharacters: 60)), "url": .string($0.1)])
        }
        let card: JSONValue = .object([
            "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"), "type": .string("AdaptiveCard"),
            "version": .string("1.4"), "body": .array(body), "actions": .array(actions),
        ])
        return .object(["type": .string("message"), "attachments": .array([
            .object(["contentType": .string("application/vnd.microsoft.card.adaptive"), "contentUrl": .null, "content": card]),
        ])])
    }

    /// Google Chat: a `cardsV2` card (header with the headline, the body, the facts as decorated text, links and actions
    /// as buttons that open them) and a plain `text` for notifications. Chat refuses a message over 32,000 bytes and a
    /// text over 4,096 characters.
    static func googleChat(_ dispatch: DispatchRequest) -> JSONValue {
        let title = Truncation.text(dispatch.title, maxCharacters: 200)
        var sections: [JSONValue] = [
            .object(["widgets": .array([.object(["textParagraph": .object(["text": .string(Truncation.text(dispatch.body, maxCharacters: 4_000))])])])]),
            .object(["widgets": .array(facts(dispatch).map {
                .object(["decoratedText": .object(["topLabel": .string($0.0), "text": .string(Truncation.text($0.1, maxCharacters: 200))])])
            })]),
        ]
        let buttons = buttons(dispatch).prefix(6)
        if !buttons.isEmpty {
            sections.append(.object(["widgets": .array([.object(["buttonList": .object(["buttons": .array(buttons.map {
                .object(["text": .string(Truncation.text($0.0, maxCharacters: 60)), "onClick": .object(["openLink": .object(["url": .string($0.1)])])])
            })])])])]))
        }
        let card: JSONValue = .object([
            "header": .object(["title": .string(title), "subtitle": .string(headline(dispatch))]),
            "sections": .array(sections),
        ])
        return .object([
            "text": .string("\(headline(dispatch)): \(title)"),
            "cardsV2": .array([.object(["cardId": .string("alert-\(dispatch.alert.id)"), "card": card])]),
        ])
    }

    /// Discord: one embed within Discord's limits (title 256, description 4,096, 25 fields of 256/1,024, footer 2,048,
    /// 6,000 characters in all). Webhooks cannot carry buttons: links and action links are a field of Markdown links.
    static func discord(_ dispatch: DispatchRequest) -> JSONValue {
        let color: Double = switch (dispatch.event, dispatch.severity) {
        case (.resolved, _): 0x2E_CC_71
        case (_, .critical): 0xD0_00_00
        case (_, .error): 0xE6_7E_22
        case (_, .warning): 0xF1_C4_0F
        case (_, .info): 0x34_98_DB
        }
        let title = Truncation.text(dispatch.title, maxCharacters: 256)
        let footer = Truncation.text("\(headline(dispatch)) · \(dispatch.alert.tenant)", maxCharacters: 2_048)
        var fields: [(String, String, Bool)] = facts(dispatch).map { ($0.0, Truncation.text($0.1, maxCharacters: 1_024), true) }
        let links = buttons(dispatch).map { "[\($0.0.replacingOccurrences(of: "]", with: ")"))](\($0.1))" }
        if !links.isEmpty {
            // Whole links only: a cut one would be a broken Markdown link.
            var value = ""
            for link in links where value.count + link.count + 1 <= 1_024 { value += (value.isEmpty ? "" : "\n") + link }
            if !value.isEmpty { fields.append(("Links", value, false)) }
        }
        fields = Array(fields.prefix(25))
        let used = title.count + footer.count + fields.reduce(0) { $0 + $1.0.count + $1.1.count }
        let description = Truncation.text(dispatch.body, maxCharacters: max(1, min(4_096, 6_000 - used)))
        var embed: [String: JSONValue] = [
            "title": .string(title), "description": .string(description),
            "color": .number(color), "timestamp": .string(RFC3339.string(from: dispatch.alert.updatedAt)),
            "footer": .object(["text": .string(footer)]),
            "fields": .array(fields.map { .object(["name": .string($0.0), "value": .string($0.1), "inline": .bool($0.2)]) }),
        ]
        if let link = dispatch.links.first { embed["url"] = .string(link.href) }
        // No pings from an alert's text: the receiving channel decides whom to notify.
        return .object(["embeds": .array([.object(embed)]), "allowed_mentions": .object(["parse": .array([])])])
    }
}
