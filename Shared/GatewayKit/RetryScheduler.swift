// Where the retry scheduler of a gateway stands in its table's scheduled jobs: it reads them back in
// (`not_before`, rowid) order as they fall due, hands each on once, and goes back when a job is scheduled before the
// point it has read up to.
import Foundation
import GRDB

struct RetryScheduler {
    /// (`not_before`, rowid) of the last row handed on: the next read starts after it.
    private(set) var cursor = GatewayRecords.DueCursor.start
    /// When the next scheduled job is due (0: look now); nil when none waits.
    private(set) var nextDue: Double? = 0
    /// Scheduled jobs handed on and not recorded yet.
    private(set) var inMemory = Set<Int64>()
    /// At most this many scheduled jobs in memory at a time.
    let memoryLimit: Int

    init(memoryLimit: Int) {
        self.memoryLimit = max(1, memoryLimit)
    }

    /// When the recorder should look again without new records: the next due time, or never (nil) when nothing is
    /// due or no room is left (a record of a job in memory makes room and wakes the recorder anyway).
    var wake: Double? { inMemory.count < memoryLimit ? nextDue : nil }

    /// The jobs due at `now` that are not in memory yet, at most as many as there is room for.
    mutating func takeDue(now: Double, from db: Database) throws -> [GatewayJob] {
        guard let due = nextDue, due <= now else { return [] }
        let room = memoryLimit - inMemory.count
        guard room > 0 else { return [] }
        let rows = try GatewayRecords.due(db, after: cursor, now: now, limit: room)
        let after = rows.last.map { GatewayRecords.DueCursor(notBefore: $0.notBefore, seq: $0.job.seq) } ?? cursor
        let next = try GatewayRecords.nextDue(db, after: after)
        // Both reads done: nothing moves if either fails.
        cursor = after
        nextDue = next
        return rows.map(\.job).filter { inMemory.insert($0.seq).inserted }
    }

    /// Scheduled jobs read ahead of their time (asked back by their destination): those not in memory yet, as many
    /// as there is room for; the others wait for their time.
    mutating func takeEarly(_ jobs: [GatewayJob]) -> [GatewayJob] {
        var room = max(0, memoryLimit - inMemory.count)
        var taken: [GatewayJob] = []
        for job in jobs where room > 0 && inMemory.insert(job.seq).inserted {
            taken.append(job)
            room -= 1
        }
        return taken
    }

    /// A read failed: look again at `retryAt`.
    mutating func readFailed(retryAt: Double) {
        nextDue = retryAt
    }

    /// The job's new `not_before` is committed. A job can be scheduled before the point reading has reached: a
    /// deferral is recorded after other jobs that fell due later were read, or a receiver's Retry-After is shorter
    /// than the wait of jobs scheduled before it. Reading then goes back to it, or it would wait for a restart; rows
    /// read again on the way are handed on at most once (`inMemory`, and a finished row is no longer pending).
    mutating func scheduled(seq: Int64, notBefore: Double) {
        let notBefore = GatewayRecords.storedNotBefore(notBefore)
        nextDue = min(nextDue ?? notBefore, notBefore)
        let position = GatewayRecords.DueCursor(notBefore: notBefore, seq: seq)
        if position <= cursor { cursor = GatewayRecords.DueCursor(notBefore: notBefore, seq: seq - 1) }
    }

    /// The job's attempt is recorded: it is no longer in memory.
    mutating func recorded(seq: Int64) {
        inMemory.remove(seq)
    }
}
