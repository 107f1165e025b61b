// `DispatchRequest`, `Recipient` and `ActionLink` on the hand-written JSON path, mirroring their synthesized Codable.
import Foundation

extension Recipient.Kind: JSONStringEnum {}
extension DispatchRequest.Kind: JSONStringEnum {}

extension Recipient: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case address, kind, name, service, user
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("address", address)
        try writer.field("kind", kind)
        writer.field("name", name)
        writer.field("service", service)
        writer.field("user", user)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var kind: Kind?
        var user: String?
        var service: String?
        var address: String?
        var name: String?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .address: address = try reader.string()
            case .kind: kind = try reader.decode(Kind.self)
            case .name: name = try reader.optionalString()
            case .service: service = try reader.optionalString()
            case .user: user = try reader.optionalString()
            }
        }
        self.init(kind: try reader.required(kind, Field.kind), user: user, service: service,
                  address: try reader.required(address, Field.address), name: name)
    }
}

extension ActionLink: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case action, token, url
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("action", action)
        writer.field("token", token)
        writer.field("url", url)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var action: AckCommand.Action?
        var token: String?
        var url: String?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .action: action = try reader.decode(AckCommand.Action.self)
            case .token: token = try reader.string()
            case .url: url = try reader.optionalString()
            }
        }
        self.init(action: try reader.required(action, Field.action), token: try reader.required(token, Field.token), url: url)
    }
}

extension DispatchRequest: JSONFastCodable {
    /// `links` and `actions` are not optional here, so the synthesized decoding requires them.
    private enum Field: String, JSONFieldName {
        case actions, alert, body, channel
        case dispatchId = "dispatch_id"
        case event, kind, links, priority
        case providerRef = "provider_ref"
        case recipient, severity, title
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("actions", actions)
        try writer.field("alert", alert)
        writer.field("body", body)
        writer.field("channel", channel)
        writer.field("dispatch_id", dispatchId)
        try writer.field("event", event)
        try writer.field("kind", kind)
        try writer.field("links", links)
        writer.field("priority", priority)
        writer.field("provider_ref", providerRef)
        try writer.field("recipient", recipient)
        try writer.field("severity", severity)
        writer.field("title", title)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var dispatchId: String?
        var kind: Kind?
        var event: AlertEvent.Kind?
        var channel: String?
        var recipient: Recipient?
        var title: String?
        var body: String?
        var severity: Severity?
        var priority: String?
        var links: [AlertLink]?
        var actions: [ActionLink]?
        var alert: Alert?
        var providerRef: String?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .actions: actions = try reader.array(of: ActionLink.self)
            case .alert: alert = try reader.decode(Alert.self)
            case .body: body = try reader.string()
            case .channel: channel = try reader.string()
            case .dispatchId: dispatchId = try reader.string()
            case .event: event = try reader.decode(AlertEvent.Kind.self)
            case .kind: kind = try reader.decode(Kind.self)
            case .links: links = try reader.array(of: AlertLink.self)
            case .priority: priority = try reader.optionalString()
            case .providerRef: providerRef = try reader.optionalString()
            case .recipient: recipient = try reader.decode(Recipient.self)
            case .severity: severity = try reader.decode(Severity.self)
            case .title: title = try reader.string()
            }
        }
        self.init(dispatchId: try reader.required(dispatchId, Field.dispatchId), kind: try reader.required(kind, Field.kind),
                  event: try reader.required(event, Field.event), channel: try reader.required(channel, Field.channel),
                  recipient: try reader.required(recipient, Field.recipient), title: try reader.required(title, Field.title),
                  body: try reader.required(body, Field.body), severity: try reader.required(severity, Field.severity),
                  priority: priority, links: try reader.required(links, Field.links),
                  actions: try reader.required(actions, Field.actions), alert: try reader.required(alert, Field.alert),
                  providerRef: providerRef)
    }
}
