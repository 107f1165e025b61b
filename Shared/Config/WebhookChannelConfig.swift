// The webhook gateway's delivery settings (its `webhook` and `push` channels): retries, timeout, pacing.

public struct WebhookChannelConfig: Sendable, Equatable, Codable {
    /// Waits before the 2nd, 3rd… attempt; the first goes at once.
    public var retrySchedule: [ConfigDuration]
    /// One attempt's limit (connect, send, answer).
    public var timeout: ConfigDuration
    public var pacing: WebhookPacingConfig

    public static let defaultRetrySchedule: [ConfigDuration] = [.seconds(5), .minutes(5), .minutes(30), .hours(2), .hours(5),
                                                                 .hours(10), .hours(10)]

    public init(retrySchedule: [ConfigDuration] = Self.defaultRetrySchedule, timeout: ConfigDuration = .seconds(10),
                pacing: WebhookPacingConfig = .defaults) {
        self.retrySchedule = retrySchedule
        self.timeout = timeout
        self.pacing = pacing
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case retrySchedule = "retry_schedule"
        case timeout, pacing
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        retrySchedule = try r.list(.retrySchedule, default: Self.defaultRetrySchedule)
        timeout = try r.value(.timeout, default: .seconds(10))
        pacing = try r.value(.pacing, default: .defaults)
    }
}
