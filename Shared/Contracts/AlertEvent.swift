// A lifecycle event, ingest → router and escalator, on `alerting/events/{tenant}/{alert_id}`.
import Foundation

public struct AlertEvent: EnvelopePayload {
    public static let eventType = "alerting.alert.event"

    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A new alert.
        case triggered
        /// A repeat trigger of an open alert's dedup key: count and last seen changed, nobody is notified again.
        case updated
        case acknowledged, resolved
        /// A manual escalation, with a reason.
        case escalated
        /// A comment.
        case noted
    }

    public var kind: Kind
    public var alert: Alert
    /// The directory user who caused it, when a person did.
    public var by: String?
    /// Where it came from: `mqtt`, `slack`, `sms`, `link`, `device`, `alertctl`…
    public var via: String?
    public var reason: String?
    public var note: String?

    public init(kind: Kind, alert: Alert, by: String? = nil, via: String? = nil, reason: String? = nil, note: String? = nil) {
        self.kind = kind
        self.alert = alert
        self.by = by
        self.via = via
        self.reason = reason
        self.note = note
    }
}
