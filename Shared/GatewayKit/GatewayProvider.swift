// What a gateway's provider supplies: its channels, where a dispatch goes, and one attempt at delivering it.
import Config
import Contracts
import Foundation

/// A provider (webhooks, ntfy, Slack, Twilio, SMTP…) is only this; `Gateway` does the rest: consuming dispatches,
/// the delivery table, per-destination queues and pacing, retries from the table, receipts, dead letters, restarts.
public protocol GatewayProvider: Sendable {
    /// Per delivery thread: what one thread reuses between attempts (an HTTP client and its keep-alive connections).
    associatedtype Connection

    /// The channels whose dispatches this gateway delivers (`alerting/dispatch/{channel}/{tenant}`).
    var channels: [String] { get }

    func makeConnection() -> Connection

    /// Where the dispatch goes. Deliveries to one destination share a queue, a token bucket and pauses (a 429 with
    /// Retry-After, a host that does not answer); no destination waits for another. Cheap: called once per attempt.
    func destination(of job: GatewayJob, config: AlertingConfig) -> GatewayDestination

    /// One attempt, blocking the calling delivery thread (never sleeping in it: a retry is scheduled by the gateway).
    /// `attempt` is 1 for the first; the provider must send what makes a repeat harmless (the same idempotency key for
    /// every attempt of a dispatch: a kill -9 between the provider's answer and the gateway's record repeats it).
    func deliver(_ job: GatewayJob, attempt: Int, config: AlertingConfig, connection: Connection) -> AttemptOutcome

    /// When a failed attempt is tried again (read at each failure, so a reloaded configuration applies).
    func retrySchedule(config: AlertingConfig) -> RetrySchedule
}

extension GatewayProvider {
    public func retrySchedule(config: AlertingConfig) -> RetrySchedule { .standard }
}

/// A queue of deliveries: its key and its pacing.
public struct GatewayDestination: Sendable, Hashable {
    /// Identifies the queue. Kept in memory and in the delivery table, never in a metric label or a log line (it may
    /// name a webhook); `label` is what logs show.
    public var key: String
    /// What logs show of it (a host).
    public var label: String
    public var pacing: Pacing
    /// A limit shared with other destinations besides each one's own (a Slack workspace's posts across its channels).
    public var group: DestinationGroup?

    public init(key: String, label: String, pacing: Pacing = .unlimited, group: DestinationGroup? = nil) {
        self.key = key
        self.label = label
        self.pacing = pacing
        self.group = group
    }
}

/// Destinations that share one token bucket on top of their own.
public struct DestinationGroup: Sendable, Hashable {
    /// Identifies the group, like a destination's key: never in a log line or a metric label.
    public var key: String
    public var pacing: Pacing

    public init(key: String, pacing: Pacing) {
        self.key = key
        self.pacing = pacing
    }
}

/// A token bucket's settings: `perSecond` attempts a second on average, at most `burst` at once.
public struct Pacing: Sendable, Hashable {
    /// Nil: no limit.
    public var perSecond: Double?
    public var burst: Int

    public init(perSecond: Double?, burst: Int) {
        self.perSecond = perSecond.flatMap { $0 > 0 ? $0 : nil }
        self.burst = max(1, burst)
    }

    public static let unlimited = Pacing(perSecond: nil, burst: 1)
}
