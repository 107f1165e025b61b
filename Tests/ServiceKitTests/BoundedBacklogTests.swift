// The bounded window over a durable table: what does not fit waits in the table and comes back in order.
import Foundation
import ServiceKit
import Synchronization
import Testing
import TestSupport

@Test func itemsBeyondTheLimitWaitInTheTableAndComeBackInOrder() {
    let table = Mutex<[Int64]>([])       // committed, unfinished ids: what the table holds
    let handed = Mutex<[[Int64]]>([])
    let backlog = BoundedBacklog<Int64>(
        limit: 3,
        read: { from, limit in table.withLock { Array($0.filter { $0 >= from }.prefix(limit)) } },
        id: { $0 }, handOn: { items in handed.withLock { $0.append(items) } }, retries: HeldWork())
    func commit(_ ids: [Int64]) { table.withLock { $0 += ids }; backlog.offer(ids) }
    func finish(_ ids: [Int64]) { table.withLock { rows in rows.removeAll { ids.contains($0) } }; backlog.finished(ids) }

    commit([1, 2, 3, 4, 5])
    #expect(handed.withLock { $0 } == [[1, 2, 3]])
    #expect(backlog.isSpilled && backlog.inMemory == 3)
    commit([6])                                    // behind the others, not ahead of them
    #expect(handed.withLock { $0 }.count == 1)
    finish([1])                                    // two in memory: more than half the limit, nothing read yet
    #expect(handed.withLock { $0 }.count == 1)
    finish([2])
    #expect(handed.withLock { $0 }.last == [4, 5])
    finish([3, 4, 5])
    #expect(handed.withLock { $0 }.last == [6])
    #expect(!backlog.isSpilled)
    commit([7])
    #expect(handed.withLock { $0 }.last == [7])
    #expect(handed.withLock { $0 }.flatMap { $0 } == [1, 2, 3, 4, 5, 6, 7])
}

@Test func whatTheLastRunLeftIsReadFromTheTableWithinTheLimit() {
    let table = Mutex<[Int64]>(Array(1...10))
    let handed = Mutex<[Int64]>([])
    let backlog = BoundedBacklog<Int64>(
        limit: 4,
        read: { from, limit in table.withLock { Array($0.filter { $0 >= from }.prefix(limit)) } },
        id: { $0 }, handOn: { items in handed.withLock { $0 += items } }, retries: HeldWork())
    backlog.startFromTable()
    #expect(handed.withLock { $0 } == [1, 2, 3, 4])
    for id in Int64(1)...10 {
        table.withLock { rows in rows.removeAll { $0 == id } }
        backlog.finished([id])
        #expect(backlog.inMemory <= 4)
    }
    #expect(handed.withLock { $0 } == Array(1...10))
    #expect(!backlog.isSpilled)
}

@Test func aFailedReadIsRetriedSoNothingStaysInTheTableForGood() {
    struct ReadFailed: Error {}
    let table = Mutex<[Int64]>([])
    let failing = Mutex(false)
    let handed = Mutex<[Int64]>([])
    let retries = HeldWork()
    let backlog = BoundedBacklog<Int64>(
        limit: 2,
        read: { from, limit in
            if failing.withLock({ $0 }) { throw ReadFailed() }
            return table.withLock { Array($0.filter { $0 >= from }.prefix(limit)) }
        },
        id: { $0 }, handOn: { items in handed.withLock { $0 += items } }, retries: retries)
    table.withLock { $0 = [1, 2, 3] }
    backlog.offer([1, 2, 3])
    #expect(handed.withLock { $0 } == [1, 2])
    #expect(retries.count == 0)
    // The read after 1 and 2 finish fails: nothing is in memory any more, so no later `finished` would read again.
    failing.withLock { $0 = true }
    table.withLock { $0 = [3] }
    backlog.finished([1, 2])
    #expect(handed.withLock { $0 } == [1, 2])
    #expect(retries.count == 1, "the failed read is scheduled to be tried again")
    failing.withLock { $0 = false }
    retries.runAll()
    #expect(handed.withLock { $0 } == [1, 2, 3], "the failed read was tried again on its own")
    #expect(retries.count == 0)

    // An offer while items wait in the table, with room to spare, reads on at once instead of waiting for a
    // `finished` or the retry.
    backlog.finished([3])
    table.withLock { $0 = [5, 6, 7] }
    backlog.offer([5, 6, 7])
    #expect(handed.withLock { $0 }.suffix(2) == [5, 6])
    failing.withLock { $0 = true }
    table.withLock { $0 = [7] }
    backlog.finished([5, 6])
    failing.withLock { $0 = false }
    table.withLock { $0 = [7, 8] }
    backlog.offer([8])
    #expect(handed.withLock { $0 } == [1, 2, 3, 5, 6, 7, 8])
}

@Test func anItemFinishedWhileARefillReadsIsNotHandedOnAgain() {
    // The read's snapshot still shows item 1 as pending: it was finished (and its row updated) while the read ran,
    // on another thread. Handing it on again would deliver it twice.
    let table = Mutex<[Int64]>([1, 2, 3, 4])
    let handed = Mutex<[Int64]>([])
    let finishDuringRead = Mutex<(@Sendable () -> Void)?>(nil)
    let backlog = BoundedBacklog<Int64>(
        limit: 2,
        read: { from, limit in
            let snapshot = table.withLock { Array($0.filter { $0 >= from }.prefix(limit)) }
            finishDuringRead.withLock { $0 }?()
            return snapshot
        },
        id: { $0 }, handOn: { items in handed.withLock { $0 += items } }, retries: HeldWork())
    backlog.offer([1, 2, 3, 4])
    #expect(handed.withLock { $0 } == [1, 2])
    // Item 2 finishes; the refill that follows reads from 3 on, and item 1 finishes during that read while a stale
    // snapshot (from a lowered cursor) could still list it.
    table.withLock { $0 = [1, 3, 4] }
    finishDuringRead.withLock { $0 = { finishDuringRead.withLock { $0 = nil }; backlog.finished([1]) } }
    backlog.offer([1])  // an offer of an id below the cursor lowers it, as a racing writer's can
    backlog.finished([2])
    #expect(!handed.withLock { $0 }.dropFirst(2).contains(1), "item 1 was handed on twice: \(handed.withLock { $0 })")
    #expect(Set(handed.withLock { $0 }) == [1, 2, 3, 4])
}

@Test func aPausedBacklogLeavesOffersInTheTableAndResumesInOrder() {
    let table = Mutex<[Int64]>([])
    let handed = Mutex<[Int64]>([])
    let backlog = BoundedBacklog<Int64>(
        limit: 3,
        read: { from, limit in table.withLock { Array($0.filter { $0 >= from }.prefix(limit)) } },
        id: { $0 }, handOn: { items in handed.withLock { $0 += items } }, retries: HeldWork(), paused: true)
    func commit(_ ids: [Int64]) { table.withLock { $0 += ids }; backlog.offer(ids) }
    func finish(_ ids: [Int64]) { table.withLock { rows in rows.removeAll { ids.contains($0) } }; backlog.finished(ids) }

    commit([1, 2])
    backlog.startFromTable()                       // a restart while held reads nothing either
    #expect(handed.withLock { $0 }.isEmpty && backlog.isPaused && backlog.isSpilled)
    backlog.resume()
    #expect(handed.withLock { $0 } == [1, 2])
    backlog.pause()
    commit([3, 4, 5])
    finish([1, 2])                                 // room again, but held: nothing read
    #expect(handed.withLock { $0 } == [1, 2] && backlog.inMemory == 0)
    backlog.resume()
    #expect(handed.withLock { $0 } == [1, 2, 3, 4, 5])
    backlog.resume()                               // idempotent
    #expect(handed.withLock { $0 } == [1, 2, 3, 4, 5])
}

/// Rows finished (acknowledged) whose deletion has not committed yet are still in the table; a read from a cursor an
/// out-of-order offer lowered must not hand them on a second time.
@Test func aFinishedItemStillInTheTableIsNotHandedOnAgainBeforeItsRemovalCommits() {
    let table = Mutex<[Int64]>([1, 2, 3, 4])      // committed; 1 and 2 by a writer that offers them late
    let handed = Mutex<[Int64]>([])
    let backlog = BoundedBacklog<Int64>(
        limit: 2,
        read: { from, limit in table.withLock { Array($0.filter { $0 >= from }.sorted().prefix(limit)) } },
        id: { $0 }, handOn: { items in handed.withLock { $0 += items } }, retries: HeldWork(), tracksRemoval: true)
    backlog.offer([3, 4])
    backlog.offer([1, 2])                          // no room: left in the table, the cursor goes back to 1
    backlog.finished([3, 4])                       // acknowledged; their rows are deleted in a later transaction
    #expect(handed.withLock { $0 } == [3, 4, 1, 2])
    backlog.finished([1, 2])                       // the next read starts at 3, where 3 and 4 are still in the table
    #expect(handed.withLock { $0 } == [3, 4, 1, 2], "nothing handed on twice")
    table.withLock { $0 = [5] }                  // 1–4 deleted, 5 committed
    backlog.removed([1, 2, 3, 4])
    backlog.offer([5])
    #expect(handed.withLock { $0 } == [3, 4, 1, 2, 5])
}

@Test func aFullReadOfFinishedRowsReadsOnWhenNothingIsInMemory() {
    // Rows 1 and 2 are finished but their deletion has not committed; 3 to 5 wait. A refill whose whole read is the
    // two finished rows must read on: nothing in memory is left to call `finished` and read again.
    let table = Mutex<[Int64]>([1, 2, 3, 4, 5])
    let handed = Mutex<[Int64]>([])
    let backlog = BoundedBacklog<Int64>(
        limit: 2,
        read: { from, limit in table.withLock { Array($0.filter { $0 >= from }.prefix(limit)) } },
        id: { $0 }, handOn: { items in handed.withLock { $0 += items } }, retries: HeldWork(), tracksRemoval: true)
    backlog.offer([1, 2])
    backlog.finished([1, 2])
    #expect(handed.withLock { $0 } == [1, 2] && backlog.inMemory == 0)
    backlog.startFromTable()
    #expect(handed.withLock { $0 } == [1, 2, 3, 4], "rows 3 and 4 handed on, not left behind the finished ones")
    backlog.finished([3, 4])
    #expect(handed.withLock { $0 } == [1, 2, 3, 4, 5])
}
