// Why an intake message was refused, on `alerting/rejected/{tenant}`.
import Foundation

public enum RejectionReason: String, Codable, Sendable, CaseIterable {
    case malformedJSON = "malformed_json"
    case notAnObject = "not_an_object"
    case missingField = "missing_field"
    case wrongType = "wrong_type"
    case invalidValue = "invalid_value"
    case unknownSeverity = "unknown_severity"
    case unknownAction = "unknown_action"
    case unknownTenant = "unknown_tenant"
    case tenantDisabled = "tenant_disabled"
    case oversize
    case invalidTopic = "invalid_topic"
    case unknownAlert = "unknown_alert"
    case missingReason = "missing_reason"
    case unknownUser = "unknown_user"
    case forbidden
    /// Intake and acknowledgements are events, not state: a retained one would be taken again by every new session.
    case retained
    /// The tenant sent more than `limits.intake_rate_per_tenant` (with its burst).
    case rateLimited = "rate_limited"
    /// A value over its length limit (`dedup_key` 255, `summary` 1024 characters).
    case tooLong = "too_long"
}

public struct Rejection: EnvelopePayload {
    public static let eventType = "alerting.intake.rejected"

    public var reason: RejectionReason
    public var message: String
    /// JSON path of the offending field, e.g. `payload.severity` or `alerts[2].labels`.
    public var field: String?
    public var topic: String
    /// The first bytes of the payload (at most 200), for the operator to recognize it.
    public var excerpt: String

    public init(reason: RejectionReason, message: String, field: String? = nil, topic: String, excerpt: String) {
        self.reason = reason
        self.message = message
        self.field = field
        self.topic = topic
        self.excerpt = excerpt
    }

    /// A printable excerpt of a payload: valid UTF-8 kept, the rest replaced, cut at `limit` bytes.
    public static func excerpt(of payload: Data, limit: Int = 200) -> String {
        let head = payload.prefix(limit)
        return String(decoding: head, as: UTF8.self)
    }
}
