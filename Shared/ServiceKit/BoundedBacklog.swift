// A bounded window over work that is durable in a table: at most `limit` items are in memory (handed on and not yet
// finished); the rest stay in the table, where they were committed anyway, and are read back in order as the window
// empties. The outbox relay uses it for publishes, the webhook gateway for delivery jobs.
import Synchronization

public final class BoundedBacklog<Item: Sendable>: Sendable {
    public let limit: Int
    private let read: @Sendable (_ from: Int64, _ limit: Int) throws -> [Item]
    private let id: @Sendable (Item) -> Int64
    private let handOn: @Sendable ([Item]) -> Void
    private let readFailed: @Sendable (any Error) -> Void
    private let retries: any WorkScheduler

    /// `inMemory`: ids handed on and not finished; `spilledFrom`: the lowest id of the items left in the table only
    /// (nil: none); `offeredWhileReading`: an offer was left in the table while a refill was reading; `reading`: a
    /// refill is reading (one at a time; `readAgain`: another was asked for meanwhile); `finishedWhileReading`: items
    /// finished during that read, which its snapshot may still show as pending.
    private struct State {
        /// Held: nothing more is handed on; offers stay in the table until `resume()`.
        var paused = false
        var inMemory = Set<Int64>()
        var spilledFrom: Int64?
        var offeredWhileReading = false
        var reading = false
        var readAgain = false
        var finishedWhileReading = Set<Int64>()
        /// With `tracksRemoval`: items finished whose rows may still be in the table (their deletion has not committed).
        var finishedNotRemoved = Set<Int64>()
    }
    private let state = Mutex(State())
    private let tracksRemoval: Bool

    /// - Parameters:
    ///   - read: committed items with id ≥ `from`, in id order, at most `limit` (ids grow in commit order).
    ///   - handOn: where items in memory go (a queue, the MQTT client). Called with the lock held, so items reach it
    ///     in the order they were let in; it must not call back into this backlog.
    ///   - retries: where a failed read is tried again a second later.
    ///   - paused: starts held (see `pause()`).
    ///   - tracksRemoval: a finished item's row leaves the table later, in a transaction of the owner's
    ///     (`removed(_:)` says when it committed): until then a read that still sees the row must not hand it on again.
    public init(limit: Int, read: @escaping @Sendable (_ from: Int64, _ limit: Int) throws -> [Item],
                id: @escaping @Sendable (Item) -> Int64, handOn: @escaping @Sendable ([Item]) -> Void,
                readFailed: @escaping @Sendable (any Error) -> Void = { _ in }, retries: any WorkScheduler,
                paused: Bool = false, tracksRemoval: Bool = false) {
        state.withLock { $0.paused = paused }
        self.tracksRemoval = tracksRemoval
        self.limit = max(1, limit)
        self.read = read
        self.id = id
        self.handOn = handOn
        self.readFailed = readFailed
        self.retries = retries
    }

    /// Items committed just now, in id order: handed on while there is room, else left in the table.
    public func offer(_ items: [Item]) {
        guard !items.isEmpty else { return }
        let refillNow = state.withLock { state -> Bool in
            if state.paused {
                state.spilledFrom = min(state.spilledFrom ?? .max, items.lazy.map(id).min() ?? .max)
                state.offeredWhileReading = true
                return false
            }
            if let from = state.spilledFrom {
                state.spilledFrom = min(from, items.lazy.map(id).min() ?? from)
                state.offeredWhileReading = true
                // With room to spare (a read that failed, or nothing in memory to finish), the offer reads on.
                return state.inMemory.count <= limit / 2
            }
            let room = max(0, limit - state.inMemory.count)
            let taken = items.prefix(room)
            if taken.count < items.count {
                state.spilledFrom = items[taken.count...].lazy.map(id).min()
                state.offeredWhileReading = true
            }
            for item in taken { state.inMemory.insert(id(item)) }
            if !taken.isEmpty { handOn(Array(taken)) }
            return false
        }
        if refillNow { refill() }
    }

    /// Everything in the table is to be read back (at start: what the last run left).
    public func startFromTable() {
        state.withLock { $0.spilledFrom = 0 }
        refill()
    }

    /// These items are finished; when the window is half empty, the next ones are read from the table.
    public func finished(_ ids: [Int64]) {
        guard !ids.isEmpty else { return }
        let refillNow = state.withLock { state -> Bool in
            for id in ids where state.inMemory.remove(id) != nil && tracksRemoval { state.finishedNotRemoved.insert(id) }
            if state.reading { state.finishedWhileReading.formUnion(ids) }
            return !state.paused && state.spilledFrom != nil && state.inMemory.count <= limit / 2
        }
        if refillNow { refill() }
    }

    /// The rows of these finished items are gone from the table (their deleting transaction committed).
    public func removed(_ ids: [Int64]) {
        guard tracksRemoval, !ids.isEmpty else { return }
        state.withLock { state in for id in ids { state.finishedNotRemoved.remove(id) } }
    }

    /// Finished items to hand on again (the broker may have lost them), in id order: handed on now, beyond the limit,
    /// or, while held, left to be read from the table on `resume()`.
    public func replay(_ items: [Item]) {
        guard !items.isEmpty else { return }
        state.withLock { state in
            for item in items { state.finishedNotRemoved.remove(id(item)) }
            if state.paused {
                state.spilledFrom = min(state.spilledFrom ?? .max, items.lazy.map(id).min() ?? .max)
                state.offeredWhileReading = true
                return
            }
            let fresh = items.filter { state.inMemory.insert(id($0)).inserted }
            if !fresh.isEmpty { handOn(fresh) }
        }
    }

    /// Hands nothing more on: what is in memory stays there and finishes, what is offered from now on stays in the
    /// table. Idempotent.
    public func pause() {
        state.withLock { $0.paused = true }
    }

    /// Hands on again, reading what was held from the table, in order. Idempotent.
    public func resume() {
        let refillNow = state.withLock { state -> Bool in
            guard state.paused else { return false }
            state.paused = false
            return state.spilledFrom != nil
        }
        if refillNow { refill() }
    }

    public var isPaused: Bool { state.withLock { $0.paused } }

    /// Items in memory (handed on, not finished).
    public var inMemory: Int { state.withLock { $0.inMemory.count } }

    /// Whether items wait in the table only.
    public var isSpilled: Bool { state.withLock { $0.spilledFrom != nil } }

    /// Reads items left in the table, oldest first, while there is room; one refill at a time (a second caller leaves
    /// a note for the one reading). Items in memory, or finished while the read ran (its snapshot can predate their
    /// end), are skipped: nothing is handed on twice. Done when a read finds fewer items than it had room for and no
    /// offer was left in the table meanwhile: an item committed after the read's snapshot has a higher id than every
    /// item in it, and its own `offer` comes after `spilledFrom` is cleared.
    private func refill() {
        while true {
            let start = state.withLock { state -> (from: Int64, room: Int)? in
                guard !state.paused else { return nil }
                guard !state.reading else {
                    state.readAgain = true
                    return nil
                }
                guard let from = state.spilledFrom, limit - state.inMemory.count > 0 else { return nil }
                state.reading = true
                state.readAgain = false
                state.offeredWhileReading = false
                state.finishedWhileReading = []
                return (from, limit - state.inMemory.count)
            }
            guard let (from, room) = start else { return }
            let items: [Item]
            do {
                items = try read(from, room)
            } catch {
                state.withLock { $0.reading = false }
                // The items stay in the table; tried again in a second (or at the next `finished` or `offer`), so a
                // failed read cannot leave them there for good when nothing else is in flight.
                readFailed(error)
                retries.schedule(after: .seconds(1)) { [weak self] in self?.refill() }
                return
            }
            let (handedAny, again, inMemory) = state.withLock { state -> (Bool, Bool, Int) in
                let fresh = items.filter {
                    !state.inMemory.contains(id($0)) && !state.finishedWhileReading.contains(id($0)) && !state.finishedNotRemoved.contains(id($0))
                }
                for item in fresh { state.inMemory.insert(id(item)) }
                let lowered = (state.spilledFrom ?? from) < from
                if items.count < room && !state.offeredWhileReading && !lowered {
                    state.spilledFrom = nil
                } else if !lowered {
                    state.spilledFrom = (items.last.map(id)).map { $0 + 1 } ?? from
                }
                if !fresh.isEmpty { handOn(fresh) }
                state.reading = false
                state.finishedWhileReading = []
                return (!fresh.isEmpty, state.readAgain, state.inMemory.count)
            }
            // A full read that found nothing to hand on (items in memory, or finished and not removed yet) stops here
            // only while items are in memory: their `finished` reads on. With none, nothing else would, and the rows
            // beyond would wait in the table until the next offer; so it reads on from where this read ended.
            if !handedAny && items.count >= room && !again && inMemory > 0 { return }
        }
    }
}
