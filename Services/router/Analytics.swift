// Analytics per tenant and window from the audit log: ack rate, time to acknowledge, escalation rate, channels.
// History is pruned after the retention, so a window reaching further back is answered for the part still kept,
// and the answer says so (`from`, `truncated`).
import Config
import Contracts
import Foundation
import GRDB

/// Published on `alerting/analytics/{tenant}`; the answer goes to `reply_to`
/// (MQTTMessage carries no v5 response topic, so the request names it).
public struct AnalyticsRequest: Codable, Sendable, Equatable {
    public var replyTo: String
    /// A duration such as "24h" or "7d"; 24 h when left out.
    public var window: String?
    /// Echoed in the report, to pair answers with questions.
    public var correlationId: String?

    public init(replyTo: String, window: String? = nil, correlationId: String? = nil) {
        self.replyTo = replyTo
        self.window = window
        self.correlationId = correlationId
    }

    enum CodingKeys: String, CodingKey {
        case window
        case replyTo = "reply_to"
        case correlationId = "correlation_id"
    }
}

public struct AnalyticsReport: EnvelopePayload {
    public static let eventType = "alerting.analytics"

    public var tenant: String
    /// Start of the period the figures cover: `to` minus the window, or the retention horizon when the window
    /// reaches past it.
    public var from: Date
    public var to: Date
    /// True when the window asked for reaches past the retention: the figures cover [from, to) only.
    public var truncated: Bool
    public var correlationId: String?
    public var alerts: Int
    public var acknowledged: Int
    /// acknowledged / alerts (0 without alerts).
    public var ackRate: Double
    public var medianSecondsToAck: Double?
    public var p90SecondsToAck: Double?
    public var escalated: Int
    public var escalationRate: Double
    /// Dispatches per channel.
    public var channels: [String: Int]
    /// Failed, bounced or undeliverable dispatches per channel.
    public var failedByChannel: [String: Int]

    enum CodingKeys: String, CodingKey {
        case tenant, from, to, truncated, alerts, acknowledged, escalated, channels
        case correlationId = "correlation_id"
        case ackRate = "ack_rate"
        case medianSecondsToAck = "median_seconds_to_ack"
        case p90SecondsToAck = "p90_seconds_to_ack"
        case escalationRate = "escalation_rate"
        case failedByChannel = "failed_by_channel"
    }
}

public enum Analytics {
    public static let defaultWindow = ConfigDuration.hours(24)

    /// - Parameter keptFor: the retention: alerts created since `now - keptFor` are all still there (facts and
    ///   dispatches go `keptFor` after an alert's resolution), older ones maybe not.
    public static func report(_ db: Database, tenant: String, window: ConfigDuration, now: Date, keptFor: ConfigDuration = RetentionConfig().keepFor,
                              correlationId: String? = nil) throws -> AnalyticsReport {
        let truncated = window > keptFor
        let from = now.addingTimeInterval(-min(window, keptFor).seconds)
        let alerts = try AlertFacts.times(db, tenant: tenant, from: from, to: now)
        let toAck = alerts.compactMap { fact in fact.acknowledgedAt.map { $0.timeIntervalSince(fact.createdAt) } }.sorted()
        let escalated = alerts.filter { $0.escalations > 0 }.count
        var channels: [String: Int] = [:]
        var failed: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT channel, status, COUNT(*) AS n FROM dispatches WHERE tenant = ? AND created_at >= ? AND created_at < ? GROUP BY channel, status
            """, arguments: [tenant, from.timeIntervalSince1970, now.timeIntervalSince1970]) {
            let channel: String = row["channel"], status: String = row["status"], count: Int = row["n"]
            if status == DispatchRecords.undeliverable || status == "failed" || status == "bounced" { failed[channel, default: 0] += count }
            if status != DispatchRecords.undeliverable { channels[channel, default: 0] += count }
        }
        return AnalyticsReport(tenant: tenant, from: from, to: now, truncated: truncated, correlationId: correlationId, alerts: alerts.count,
                               acknowledged: toAck.count, ackRate: alerts.isEmpty ? 0 : Double(toAck.count) / Double(alerts.count),
                               medianSecondsToAck: percentile(toAck, 0.5), p90SecondsToAck: percentile(toAck, 0.9),
                               escalated: escalated, escalationRate: alerts.isEmpty ? 0 : Double(escalated) / Double(alerts.count),
                               channels: channels, failedByChannel: failed)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
