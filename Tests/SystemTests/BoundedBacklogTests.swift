// The bounded window over a durable table: what does not fit waits in the table and comes back in order.
import Foundation
import ServiceKit
import Synchronization
import Testing

@Test func itemsBeyondTheLimitWaitInTheTableAndComeBackInOrder() {
    let table = Mutex<[Int64]>([])       // committed, unfinished ids: what the table holds
    let handed = Mutex<[[Int64]]>([])
    let backlog = BoundedBacklog<Int64>(
        limit: 3,
        read: { from, limit in table.withLock { Array($0.filter { $0 >= from }.prefix(limit)) } },
        id: { $0 }, handOn: { items in handed.withLock { $0.append(items) } })
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
        id: { $0 }, handOn: { items in handed.withLock { $0 += items } })
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
