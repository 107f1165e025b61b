// Moves committed outbox rows to the broker and deletes them once the broker acknowledged them and the replay window
// (`ReplayWindow`) has passed: a broker that crashes forgets what it acknowledged since its last snapshot, so what the
// relay published in that time goes out again when the connection comes back.
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
    /// Rows handed to the MQTT client and not acknowledged yet: their lane and payload size, for the replay window.
    private let handed = Mutex<[Int64: (lane: String, bytes: Int)]>([:])
    /// Rows the broker acknowledged, in the order it did, kept for the replay window, then deleted.
    private let kept = Mutex(KeptRows())
    private let window: ReplayWindow
    /// Where a failed read of the backlog is tried again.
    private let retries: any WorkScheduler

    /// Deleting acknowledged rows in a transaction of their own cost one more commit per batch (WAL pages
    /// written, the lock taken) in every service. They are deleted in the next transaction the service
    /// writes anyway (`deleteAcknowledged(in:)`), or on their own when the MQTT loop has been idle for
    /// `MQTTSettings.idleDelay` (`DurableConsumer.mqttIdle`), once this many are waiting, or once the
    /// oldest has waited `maximumDelay` seconds. A kill -9 inside that window re-publishes those rows at
    /// the next start, with their ids, which consumers drop as repeats.
    static let batchLimit = 512
    static let maximumDelay = Duration.milliseconds(500)

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
    ///   - retries: where a failed read of a lane's backlog is tried again (the service group's `DelayedWork`).
    public init(store: Store, client: MQTTClient, metrics: ServiceMetrics, logger: Logger, retries: any WorkScheduler, memoryLimit: Int = 2000,
                laneLimit: Int = 500, needsSubscriber: @escaping @Sendable (String) -> Bool = { _ in false },
                lane: @escaping @Sendable (String) -> String = { _ in "" }, holdsLanes: Bool = false,
                window: ReplayWindow = .off) {
        self.window = window
        self.retries = retries
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
                handOn: { [weak self] messages in
                    self?.handed.withLock { handed in for message in messages { handed[message.id] = (message.lane, message.payload.count) } }
                    client.publish(messages.map {
                        MQTTPublish(topic: $0.topic, payload: $0.payload, qos: $0.qos, retain: $0.retain, token: $0.id,
                                    needsSubscriber: needsSubscriber($0.topic))
                    })
                    metrics.published.increment(by: messages.count)
                },
                readFailed: { logger.error("could not read the outbox backlog of lane '\(name)': \($0)") }, retries: retries,
                paused: holdsLanes && !name.isEmpty && !lanes.released.contains(name),
                tracksRemoval: true)
            lanes.backlogs[name] = backlog
            return backlog
        }
    }

    /// At start, before any new work: what a crash left in the outbox goes out again (consumers drop
    /// the repeats by message id), read from the table as the broker takes it; held lanes wait for their release.
    public func republishPending() throws {
        let (count, names, acknowledged) = try store.read { db in
            (try Outbox.pendingCount(db), try Outbox.lanes(db), try Outbox.acknowledged(db))
        }
        // What the last run wrote down at its graceful stop as acknowledged stays kept for the rest of its window.
        let wall = Date().timeIntervalSince1970
        let now = ContinuousClock.now
        kept.withLock { kept in
            for row in acknowledged {
                let age = Duration.milliseconds(Int64((max(0, wall - row.at) * 1000).rounded()))
                kept.append(KeptRow(id: row.id, lane: row.lane, bytes: row.bytes, at: now - age))
            }
        }
        guard count > 0 else { return }
        logger.notice("re-publishing \(count) outbox messages left from the last run")
        for name in names { backlog(name).startFromTable() }
    }

    /// At a graceful stop: the rows kept for the replay window are written down as acknowledged, so the next start keeps
    /// them for the rest of the window instead of publishing them again (after a kill -9 they all go out again).
    public func persistKept() {
        let rows = kept.withLock { $0.snapshot() }
        guard !rows.isEmpty else { return }
        let wall = Date().timeIntervalSince1970
        let now = ContinuousClock.now
        do {
            try store.write { db in try Outbox.markAcknowledged(db, rows.map { ($0.id, wall - $0.at.duration(to: now).seconds) }) }
        } catch {
            logger.error("could not write down the \(rows.count) rows kept for the replay window; they go out again at the next start: \(error)")
        }
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

    /// Loop thread: the broker holds these now. Their rows are kept for the replay window, then go in the service's
    /// next write transaction, or in one of their own when too many are due or for too long.
    public func delivered(tokens: [Int64]) {
        guard !tokens.isEmpty else { return }
        finishedInLanes(tokens)
        let now = ContinuousClock.now
        let sizes = handed.withLock { handed in tokens.map { handed.removeValue(forKey: $0) ?? ("", 0) } }
        let due = kept.withLock { kept -> Bool in
            for (id, size) in zip(tokens, sizes) { kept.append(KeptRow(id: id, lane: size.lane, bytes: size.bytes, at: now)) }
            return kept.dueCount(now: now, window: window, atLeast: OutboxRelay.batchLimit) >= OutboxRelay.batchLimit
                || kept.oldestDueSince(now: now, window: window).map { $0.duration(to: now) >= OutboxRelay.maximumDelay } == true
        }
        if due { flushAcknowledged() }
    }

    /// Loop thread: the broker refused these publishes and their rows are gone (moved to the dead letters by
    /// `DurableConsumer.mqttRefused`); they leave the in-memory window without being deleted again.
    public func refused(tokens: [Int64]) {
        guard !tokens.isEmpty else { return }
        handed.withLock { handed in for token in tokens { handed.removeValue(forKey: token) } }
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

    /// Deletes the acknowledged rows past the replay window inside a transaction the caller is writing anyway: once it
    /// commits the lanes forget them, and if it rolls back they wait for the next one.
    public func deleteAcknowledged(in db: Database) throws {
        let rows = kept.withLock { $0.takeDue(now: ContinuousClock.now, window: window) }
        guard !rows.isEmpty else { return }
        do {
            try Outbox.remove(db, ids: rows.map(\.id))
        } catch {
            kept.withLock { $0.giveBack(rows) }
            throw error
        }
        let ids = rows.map(\.id)
        db.afterNextTransaction(onCommit: { [weak self] _ in self?.removedInLanes(ids) },
                                onRollback: { [weak self] _ in self?.kept.withLock { $0.giveBack(rows) } })
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

    /// Whether acknowledged rows are past the replay window and wait to be deleted.
    public var acknowledgedWaiting: Int { kept.withLock { $0.dueCount(now: ContinuousClock.now, window: window, atLeast: 1) } }

    /// Rows the broker acknowledged within the replay window, kept to be published again.
    public var keptForReplay: Int { kept.withLock { $0.count } }

    /// Records what the replay window holds in /metrics (`alerting_replay_window_rows` and `_bytes`). Run now and then.
    public func reportReplayWindow() {
        let (rows, bytes) = kept.withLock { ($0.count, $0.byteCount) }
        metrics.replayWindowRows.record(rows)
        metrics.replayWindowBytes.record(bytes)
    }

    /// The publishing connection is back after it was lost. The broker may have restarted and lost what it had
    /// acknowledged since its last snapshot: every row acknowledged within the window goes out again, each lane in id
    /// order (consumers drop what they have seen by message id). A retained row is skipped when a newer row of its
    /// topic exists: publishing it again would replace the newer retained message. Returns how many went out.
    @discardableResult
    public func replayKept() -> Int {
        let rows = kept.withLock { $0.takeAll() }
        guard !rows.isEmpty else { return 0 }
        var byLane: [String: [Int64]] = [:]
        for row in rows { byLane[row.lane, default: []].append(row.id) }
        var replayed = Set<Int64>()
        do {
            for (name, ids) in byLane.sorted(by: { $0.key < $1.key }) {
                let (messages, newer) = try store.read { db in
                    (try Outbox.rows(db, ids: ids, lane: name), try Outbox.newestRetained(db, lane: name, after: ids.min() ?? 0))
                }
                let fresh = messages.filter { !$0.retain || (newer[$0.topic] ?? $0.id) <= $0.id }
                backlog(name).replay(fresh)
                replayed.formUnion(fresh.map(\.id))
            }
        } catch {
            logger.error("could not read the rows to publish again after the reconnect: \(error)")
        }
        // What was not sent again (stale retained rows, a failed read) stays kept as it was; what was is kept anew once
        // the broker acknowledges it again.
        kept.withLock { kept in kept.giveBack(rows.filter { !replayed.contains($0.id) }) }
        metrics.replayed.increment(by: replayed.count)
        logger.notice("publishing connection re-established: published again \(replayed.count) messages the broker acknowledged in the last \(Int(window.seconds)) s, in case it restarted and lost them")
        return replayed.count
    }

}
