// The request body for each webhook type: generic JSON, Microsoft Teams (Adaptive Card), Google Chat, Discord (embed).
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

    /// Standard Webhooks' recommended shape: `{type, timestamp, data}`.
    struct Generic: Encodable {
        struct Content: Encodable {
            let dispatchId: String
            let event: AlertEvent.Kind
            let title: String
            let body: String
            let severity: Severity
            let alert: Alert
            enum CodingKeys: String, CodingKey {
                case event, title, body, severity, alert
                case dispatchId = "dispatch_id"
            }
        }
        let type: String
        let timestamp: Date
        let data: Content
    }

    static func generic(_ dispatch: DispatchRequest, at now: Date) throws -> Data {
        try JSONCoding.encode(Generic(type: "alert.\(dispatch.event.rawValue)", timestamp: now,
                                      data: .init(dispatchId: dispatch.dispatchId, event: dispatch.event, title: dispatch.title,
                                                  body: dispatch.body, severity: dispatch.severity, alert: dispatch.alert)))
    }

    static func facts(_ dispatch: DispatchRequest) -> [(String, String)] {
        var facts: [(String, String)] = [("Severity", dispatch.severity.rawValue), ("Status", dispatch.alert.status.rawValue)]
        if let service = dispatch.alert.service { facts.append(("Service", service)) }
        if let source = dispatch.alert.source { facts.append(("Source", source)) }
        return facts
    }

    static func teams(_ dispatch: DispatchRequest) -> JSONValue {
        var body: [JSONValue] = [
            .object(["type": .string("TextBlock"), "text": .string(dispatch.title), "weight": .string("Bolder"),
                     "size": .string("Medium"), "wrap": .bool(true)]),
            .object(["type": .string("TextBlock"), "text": .string(dispatch.body), "wrap": .bool(true)]),
        ]
        body.append(.object(["type": .string("FactSet"),
                             "facts": .array(facts(dispatch).map { .object(["title": .string($0.0), "value": .string($0.1)]) })]))
        let actions: [JSONValue] = dispatch.links.map {
            .object(["type": .string("Action.OpenUrl"), "title": .string($0.text ?? $0.href), "url": .string($0.href)])
        } + dispatch.actions.compactMap { action in
            action.url.map { .object(["type": .string("Action.OpenUrl"), "title": .string(action.action.rawValue.capitalized), "url": .string($0)]) }
        }
        let card: JSONValue = .object([
            "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"), "type": .string("AdaptiveCard"),
            "version": .string("1.4"), "body": .array(body), "actions": .array(actions),
        ])
        return .object(["type": .string("message"), "attachments": .array([
            .object(["contentType": .string("application/vnd.microsoft.card.adaptive"), "content": card]),
        ])])
    }

    static func googleChat(_ dispatch: DispatchRequest) -> JSONValue {
        var text = "*\(dispatch.title)*\n\(dispatch.body)"
        for link in dispatch.links { text += "\n<\(link.href)|\(link.text ?? link.href)>" }
        for action in dispatch.actions { if let url = action.url { text += "\n<\(url)|\(action.action.rawValue.capitalized)>" } }
        return .object(["text": .string(text)])
    }

    static func discord(_ dispatch: DispatchRequest) -> JSONValue {
        let color: Double = switch dispatch.severity {
        case .critical: 0xD0_00_00
        case .error: 0xE6_7E_22
        case .warning: 0xF1_C4_0F
        case .info: 0x34_98_DB
        }
        var embed: [String: JSONValue] = [
            "title": .string(String(dispatch.title.prefix(256))), "description": .string(String(dispatch.body.prefix(4096))),
            "color": .number(color), "timestamp": .string(RFC3339.string(from: dispatch.alert.updatedAt)),
            "fields": .array(facts(dispatch).map { .object(["name": .string($0.0), "value": .string($0.1), "inline": .bool(true)]) }),
        ]
        if let link = dispatch.links.first { embed["url"] = .string(link.href) }
        return .object(["embeds": .array([.object(embed)])])
    }
}
