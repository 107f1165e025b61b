// Moves committed outbox rows to the broker and deletes them once the broker acknowledged them.
import Foundation
import GRDB
import Logging
import MQTT
import Store
import Synchronization

public final class OutboxRelay: Sendable {
    private let store: Store
    private let client: MQTTClient
    private let logger: Logger
    private let metrics: ServiceMetrics
    /// Rows the broker acknowledged that are not deleted yet, and when the oldest of them was acknowledged.
    private let acknowledged = Mutex<(ids: [Int64], since: Double)>(([], 0))

    /// Deleting acknowledged rows in a transaction of their own cost one more commit per batch (WAL pages
    /// written, the lock taken) in every service. They are deleted in the next transaction the service
    /// writes anyway (`deleteAcknowledged(in:)`), or on their own when the MQTT loop has been idle for
    /// `MQTTSettings.idleDelay` (`DurableConsumer.mqttIdle`), once this many are waiting, or once the
    /// oldest has waited `maximumDelay` seconds. A kill -9 inside that window re-publishes those rows at
    /// the next start, with their ids, which consumers drop as repeats.
    static let batchLimit = 512
    static let maximumDelay = 0.5

    /// Each lane (`OutboxMessage.lane`) is a bounded window of its own over the outbox table: at most `memoryLimit`
    /// committed rows of the default lane and `laneLimit` of each other lane are handed to the MQTT client at a time
    /// (those it holds for a topic without subscriber included). A service that commits faster than the broker takes
    /// its publishes keeps the rest in the table, where they are anyway, and reads them from there as the broker
    /// acknowledges: memory stays bounded however long the backlog. And a lane whose publishes cannot go out (a
    /// channel nobody consumes) fills only its own window: the others go on.
    private struct Lanes {
        var backlogs: [String: BoundedBacklog<OutboxMessage>] = [:]
        /// Lanes that may go out while `holdsLanes`.
        var released: Set<String> = []
    }
    private let lanes = Mutex(Lanes())
    private let memoryLimit: Int
    private let laneLimit: Int
    private let needsSubscriber: @Sendable (String) -> Bool
    /// Every lane but the default one is held until `release(lane:)` (a publisher that waits for its consumers).
    private let holdsLanes: Bool
    /// The lane of a topic's publishes.
    public let lane: @Sendable (String) -> String

    /// - Parameters:
    ///   - needsSubscriber: topics whose messages must reach a subscriber (`MQTTPublish.needsSubscriber`).
    ///   - lane: the lane of a topic; "" is the default lane.
    ///   - holdsLanes: lanes other than the default one are held until released.
    public init(store: Store, client: MQTTClient, metrics: ServiceMetrics, logger: Logger, memoryLimit: Int = 2000,
                laneLimit: Int = 500, needsSubscriber: @escaping @Sendable (String) -> Bool = { _ in false },
                lane: @escaping @Sendable (String) -> String = { _ in "" }, holdsLanes: Bool = false) {
        self.store = store
        self.client = client
        self.metrics = metrics
        self.logger = logger
        self.memoryLimit = memoryLimit
        self.laneLimit = laneLimit
        self.needsSubscriber = needsSubscriber
        self.lane = lane
        self.holdsLanes = holdsLanes
    }

    /// The lane's window, made on first use (held when lanes are held and this one is not released).
    private func backlog(_ name: String) -> BoundedBacklog<OutboxMessage> {
        lanes.withLock { lanes in
            if let backlog = lanes.backlogs[name] { return backlog }
            let (store, client, metrics, logger, needsSubscriber) = (store, client, metrics, logger, needsSubscriber)
            let backlog = BoundedBacklog<OutboxMessage>(
                limit: name.isEmpty ? memoryLimit : laneLimit,
                read: { from, limit in try store.read { try Outbox.pending($0, lane: name, from: from, limit: limit) } },
                id: \.id,
                handOn: { messages in
                    client.publish(messages.map {
                        MQTTPublish(topic: $0.topic, payload: $0.payload, qos: $0.qos, retain: $0.retain, token: $0.id,
                                    needsSubscriber: needsSubscriber($0.topic))
                    })
                    metrics.published.increment(by: messages.count)
                },
                readFailed: { logger.error("could not read the outbox backlog of lane '\(name)': \($0)") },
                paused: holdsLanes && !name.isEmpty && !lanes.released.contains(name),
                tracksRemoval: true)
            lanes.backlogs[name] = backlog
            return backlog
        }
    }

    /// At start, before any new work: what a crash left in the outbox goes out again (consumers drop
    /// the repeats by message id), read from the table as the broker takes it; held lanes wait for their release.
    public func republishPending() throws {
        let (count, names) = try store.read { db in (try Outbox.count(db), try Outbox.lanes(db)) }
        guard count > 0 else { return }
        logger.notice("re-publishing \(count) outbox messages left from the last run")
        for name in names { backlog(name).startFromTable() }
    }

    /// The lane's rows may go out (again), oldest first.
    public func release(lane name: String) {
        lanes.withLock { _ = $0.released.insert(name) }
        backlog(name).resume()
    }

    /// The lane's rows stay in the table from now on (what the client has already goes out).
    public func hold(lane name: String) {
        guard !name.isEmpty else { return }
        lanes.withLock { _ = $0.released.remove(name) }
        backlog(name).pause()
    }

    /// The lanes held now.
    public var heldLanes: [String] {
        lanes.withLock { lanes in lanes.backlogs.filter { $0.value.isPaused }.map(\.key) }.sorted()
    }

    /// Hands rows committed in a transaction to the MQTT loop thread, or leaves them to be read from the table
    /// when `memoryLimit` rows are out already.
    public func send(_ messages: [OutboxMessage]) {
        guard let first = messages.first else { return }
        if messages.allSatisfy({ $0.lane == first.lane }) {
            backlog(first.lane).offer(messages)
            return
        }
        var order: [String] = []
        var byLane: [String: [OutboxMessage]] = [:]
        for message in messages {
            if byLane[message.lane] == nil { order.append(message.lane) }
            byLane[message.lane, default: []].append(message)
        }
        for name in order { backlog(name).offer(byLane[name]!) }
    }

    /// Loop thread: the broker holds these now. Their rows go in the service's next write transaction,
    /// or in one of their own when too many wait or for too long.
    public func delivered(tokens: [Int64]) {
        guard !tokens.isEmpty else { return }
        finishedInLanes(tokens)
        let now = monotonicSeconds()
        let due = acknowledged.withLock { state -> Bool in
            if state.ids.isEmpty { state.since = now }
            state.ids.append(contentsOf: tokens)
            return state.ids.count >= OutboxRelay.batchLimit || now - state.since >= OutboxRelay.maximumDelay
        }
        if due { flushAcknowledged() }
    }

    /// Loop thread: the broker refused these publishes and their rows are gone (moved to the dead letters by
    /// `DurableConsumer.mqttRefused`); they leave the in-memory window without being deleted again.
    public func refused(tokens: [Int64]) {
        guard !tokens.isEmpty else { return }
        finishedInLanes(tokens)
        removedInLanes(tokens)
    }

    /// The rows left the MQTT client: room in their lanes' windows (each lane drops the ids it does not hold).
    private func finishedInLanes(_ tokens: [Int64]) {
        for backlog in lanes.withLock({ Array($0.backlogs.values) }) { backlog.finished(tokens) }
    }

    /// The rows are gone from the table: a read from it can no longer hand them on again.
    private func removedInLanes(_ ids: [Int64]) {
        for backlog in lanes.withLock({ Array($0.backlogs.values) }) { backlog.removed(ids) }
    }

    /// Deletes acknowledged rows in the caller's transaction: once it commits the lanes forget them, and if it rolls
    /// back they wait for the next transaction.
    public func removeAcknowledged(_ ids: [Int64], in db: Database) throws {
        guard !ids.isEmpty else { return }
        try Outbox.remove(db, ids: ids)
        db.afterNextTransaction(onCommit: { [weak self] _ in self?.removedInLanes(ids) },
                                onRollback: { [weak self] _ in self?.giveBack(ids) })
    }

    /// Deletes the acknowledged rows inside a transaction the caller is writing anyway; if that transaction rolls
    /// back, they wait for the next one (`removeAcknowledged`).
    public func deleteAcknowledged(in db: Database) throws {
        let ids = takeAcknowledged()
        do {
            try removeAcknowledged(ids, in: db)
        } catch {
            giveBack(ids)
            throw error
        }
    }

    /// Deletes what is waiting in a transaction of its own (idle periods, shutdown).
    public func flushAcknowledged() {
        do {
            try store.write { try deleteAcknowledged(in: $0) }
        } catch {
            // The rows stay and go out again after a restart; consumers drop the repeats.
            logger.error("could not delete delivered outbox rows: \(error)")
        }
    }

    /// Rows handed to the MQTT client and not acknowledged yet (at most `memoryLimit`, plus `laneLimit` per other lane).
    public var inClient: Int { lanes.withLock { Array($0.backlogs.values) }.reduce(0) { $0 + $1.inMemory } }

    /// Whether rows wait in the table only, to be read as the broker acknowledges.
    public var isSpilled: Bool { lanes.withLock { Array($0.backlogs.values) }.contains { $0.isSpilled } }

    /// How many acknowledged rows wait to be deleted.
    public var acknowledgedWaiting: Int { acknowledged.withLock { $0.ids.count } }

    /// The ids of acknowledged rows, for a caller that deletes them in its transaction (and gives them back with
    /// `giveBack` if that transaction does not commit).
    public func takeAcknowledged() -> [Int64] {
        acknowledged.withLock { state -> [Int64] in
            let ids = state.ids
            state.ids = []
            return ids
        }
    }

    public func giveBack(_ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        acknowledged.withLock { state in
            if state.ids.isEmpty { state.since = monotonicSeconds() }
            state.ids.insert(contentsOf: ids, at: 0)
        }
    }
}
