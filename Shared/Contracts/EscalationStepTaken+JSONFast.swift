// `EscalationStepTaken` and its parts on the hand-written JSON path, mirroring their synthesized Codable.
import Foundation

extension EscalationCause.Kind: JSONStringEnum {}

extension EscalationTargetRef: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case onlyLead = "only_lead"
        case role, schedule, team, user
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("only_lead", onlyLead)
        writer.field("role", role)
        writer.field("schedule", schedule)
        writer.field("team", team)
        writer.field("user", user)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var schedule: String?
        var team: String?
        var onlyLead: Bool?
        var role: String?
        var user: String?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .onlyLead: onlyLead = try reader.optionalBool()
            case .role: role = try reader.optionalString()
            case .schedule: schedule = try reader.optionalString()
            case .team: team = try reader.optionalString()
            case .user: user = try reader.optionalString()
            }
        }
        self.init(schedule: schedule, team: team, onlyLead: onlyLead, role: role, user: user)
    }
}

extension EscalationCause: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case kind, percent, policy
        case repeatNumber = "repeat"
        case step
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("kind", kind)
        writer.field("percent", percent)
        writer.field("policy", policy)
        writer.field("repeat", repeatNumber)
        writer.field("step", step)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var kind: Kind?
        var policy: String?
        var step: Int?
        var repeatNumber: Int?
        var percent: Int?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .kind: kind = try reader.decode(Kind.self)
            case .percent: percent = try reader.optionalInt()
            case .policy: policy = try reader.optionalString()
            case .repeatNumber: repeatNumber = try reader.optionalInt()
            case .step: step = try reader.optionalInt()
            }
        }
        self.init(kind: try reader.required(kind, Field.kind), policy: policy, step: step, repeatNumber: repeatNumber, percent: percent)
    }
}

extension EscalationStepTaken: JSONFastCodable {
    private enum Field: String, JSONFieldName {
        case alertId = "alert_id"
        case by, cause
        case channelMode = "channel_mode"
        case channels
        case dueAt = "due_at"
        case level
        case nextDueAt = "next_due_at"
        case reason, targets
        static let fieldTable = JSONFieldTable<Field>()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("alert_id", alertId)
        writer.field("by", by)
        try writer.field("cause", cause)
        writer.field("channel_mode", channelMode)
        writer.field("channels", channels)
        writer.field("due_at", dueAt)
        writer.field("level", level)
        writer.field("next_due_at", nextDueAt)
        writer.field("reason", reason)
        try writer.field("targets", targets)
        writer.endObject()
    }

    public init(json reader: inout JSONReader) throws {
        var alertId: String?
        var level: Int?
        var cause: EscalationCause?
        var targets: [EscalationTargetRef]?
        var channels: [String]?
        var channelMode: String?
        var reason: String?
        var by: String?
        var dueAt: Date?
        var nextDueAt: Date?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .alertId: alertId = try reader.string()
            case .by: by = try reader.optionalString()
            case .cause: cause = try reader.decode(EscalationCause.self)
            case .channelMode: channelMode = try reader.optionalString()
            case .channels: channels = try reader.optionalStringArray()
            case .dueAt: dueAt = try reader.date()
            case .level: level = try reader.int()
            case .nextDueAt: nextDueAt = try reader.optionalDate()
            case .reason: reason = try reader.optionalString()
            case .targets: targets = try reader.array(of: EscalationTargetRef.self)
            }
        }
        self.init(alertId: try reader.required(alertId, Field.alertId), level: try reader.required(level, Field.level),
                  cause: try reader.required(cause, Field.cause), targets: try reader.required(targets, Field.targets),
                  channels: channels, reason: reason, by: by, dueAt: try reader.required(dueAt, Field.dueAt), nextDueAt: nextDueAt,
                  channelMode: channelMode)
    }
}
