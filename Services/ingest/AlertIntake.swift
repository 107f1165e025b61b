// One alert as it arrived, normalized from any intake shape, before it meets the lifecycle.
import Contracts
import Foundation

public struct AlertIntake: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case trigger, acknowledge, resolve
    }

    public var action: Action
    /// nil when the sender gave none; ingest then derives one from the message, so a redelivery dedups.
    public var dedupKey: String?
    public var severity: Severity
    public var summary: String
    public var category: String?
    public var type: String?
    public var service: String?
    public var source: String?
    public var deadline: Date?
    public var details: [String: JSONValue]
    public var links: [AlertLink]
    public var format: IntakeFormat
    /// Alertmanager sends "resolved" for alerts it never told us about; those are ignored, not rejected.
    public var quietIfUnknown: Bool

    public init(action: Action = .trigger, dedupKey: String? = nil, severity: Severity = IntakeDefaults.severity, summary: String,
                category: String? = nil, type: String? = nil, service: String? = nil, source: String? = nil, deadline: Date? = nil,
                details: [String: JSONValue] = [:], links: [AlertLink] = [], format: IntakeFormat = .native, quietIfUnknown: Bool = false) {
        self.action = action
        self.dedupKey = dedupKey
        self.severity = severity
        self.summary = summary
        self.category = category
        self.type = type
        self.service = service
        self.source = source
        self.deadline = deadline
        self.details = details
        self.links = links
        self.format = format
        self.quietIfUnknown = quietIfUnknown
    }
}

public enum IntakeDefaults {
    /// An alert that names no severity is treated as an error: something is wrong, but nobody said it is critical.
    public static let severity: Severity = .error
    /// PagerDuty's limits (Events API v2), in characters; longer values are refused with the field (`too_long`).
    public static let maxSummaryLength = 1024
    public static let maxDedupKeyLength = 255
}

