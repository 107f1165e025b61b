// What responders, gateways and alertctl publish on `alerting/ack/{tenant}/{alert_id}`.
import Foundation

public struct AckCommand: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable, CaseIterable {
        case acknowledge, resolve, escalate, note
        /// Marks the alert's in-app inbox items read; only the router acts on it (ingest ignores it).
        case read
    }

    public var action: Action
    /// A directory user. Ingest trusts it only from a gateway account or the `/by/{user}` topic suffix.
    public var by: String?
    public var via: String?
    /// Required for `escalate`.
    public var reason: String?
    public var note: String?
    /// Set by gateways: the id of a message already seen, so a redelivery is dropped.
    public var id: String?

    public init(action: Action, by: String? = nil, via: String? = nil, reason: String? = nil, note: String? = nil, id: String? = nil) {
        self.action = action
        self.by = by
        self.via = via
        self.reason = reason
        self.note = note
        self.id = id
    }
}
