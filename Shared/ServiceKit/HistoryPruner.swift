// Keeps a service's history (closed alerts, audit rows, finished deliveries) from growing forever.
import Foundation
import GRDB
import Logging
import Store

/// Runs a service's prune steps over what is older than `retention.keep_for` (hourly, through a `PeriodicTask`),
/// each in transactions of at most `batch` deleted rows, releasing the writer between them so the consumer's
/// batches never wait long. Each step decides what is still needed (open alerts, pending deliveries) and keeps it.
public struct HistoryPruner: Sendable {
    public static let interval: TimeInterval = 3600
    /// A message id can come back this long (the inbox keeps ids as long): a table that is a service's record of
    /// what it has seen must keep its rows at least this long whatever the retention.
    public static let redeliveryWindow: TimeInterval = InboxPruner.retention

    let store: Store
    let relay: OutboxRelay?
    let logger: Logger
    let steps: [PruneStep]
    let batch: Int

    /// - Parameter relay: hands what a step enqueued to the MQTT client after each commit; nil when no step publishes.
    public init(store: Store, relay: OutboxRelay?, logger: Logger, steps: [PruneStep], batch: Int = 1_000) {
        self.store = store
        self.relay = relay
        self.logger = logger
        self.steps = steps
        self.batch = batch
    }

    /// Prunes what is older than `keepFor` at `now`; returns how many rows were deleted.
    @discardableResult
    public func pruneOnce(now: Date, keepFor: TimeInterval) -> Int {
        let before = now.addingTimeInterval(-keepFor)
        var total = 0
        for step in steps {
            var deleted = 0
            var cursor: String?
            do {
                repeat {
                    let round = try store.write { db in try step.prune(db, PruneRequest(before: before, limit: batch, resumeAt: cursor)) }
                    if let relay, !round.published.isEmpty { relay.send(round.published) }
                    deleted += round.deleted
                    cursor = round.resumeAt
                } while cursor != nil
            } catch {
                logger.warning("could not prune \(step.name), trying again later: \(error)")
            }
            if deleted > 0 { logger.info("pruned \(deleted) rows of \(step.name)") }
            total += deleted
        }
        return total
    }

    /// The hourly task, reading the retention from the live configuration at each run.
    public func periodic(keepFor: @escaping @Sendable () -> TimeInterval) -> PeriodicTask {
        PeriodicTask(every: Self.interval) { pruneOnce(now: Date(), keepFor: keepFor()) }
    }
}

/// One kind of history a service prunes.
public struct PruneStep: Sendable {
    public let name: String
    let prune: @Sendable (Database, PruneRequest) throws -> PruneRound

    public init(_ name: String, _ prune: @escaping @Sendable (Database, PruneRequest) throws -> PruneRound) {
        self.name = name
        self.prune = prune
    }

    /// A step that deletes up to `limit` rows per call, oldest first, and is done when it deleted fewer.
    public static func rows(_ name: String, _ delete: @escaping @Sendable (Database, _ before: Date, _ limit: Int) throws -> Int) -> PruneStep {
        PruneStep(name) { db, request in
            let deleted = try delete(db, request.before, request.limit)
            return PruneRound(deleted: deleted, resumeAt: deleted >= request.limit ? "" : nil)
        }
    }
}

/// What one transaction of a step may do: delete at most `limit` rows, of history older than `before`.
public struct PruneRequest: Sendable {
    public let before: Date
    public let limit: Int
    /// Where the previous transaction of this run stopped (the step's own cursor); nil at the start of a run.
    public let resumeAt: String?
}

public struct PruneRound: Sendable {
    public var deleted: Int
    /// Where the next transaction resumes; nil when the step is done for this run.
    public var resumeAt: String?
    /// Outbox rows enqueued in the transaction, handed to the MQTT client after the commit.
    public var published: [OutboxMessage]

    public init(deleted: Int, resumeAt: String?, published: [OutboxMessage] = []) {
        self.deleted = deleted
        self.resumeAt = resumeAt
        self.published = published
    }
}
