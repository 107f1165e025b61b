// /healthz: a failed commit keeps the store "failing" for the hold-down even if a later commit succeeds.
import Foundation
import ServiceKit
import Synchronization
import Testing

@Test func aStoreFailureIsHeldDownSoHealthDoesNotFlap() {
    let now = Mutex(100.0)
    let health = HealthState(connected: { true }, clock: { now.withLock { $0 } })
    #expect(health.report.status == "ok")

    health.storeFailed("SQLite error 13: database or disk is full")
    #expect(health.report.status == "unhealthy")
    #expect(health.report.store == "failing: SQLite error 13: database or disk is full")

    // One commit fits after all: still failing until the hold-down has passed since the last failure.
    now.withLock { $0 += 1 }
    health.storeRecovered()
    #expect(health.report.store.hasPrefix("failing"))
    now.withLock { $0 += HealthState.holdDown - 1.5 }
    #expect(health.report.status == "unhealthy")
    now.withLock { $0 += 1 }
    #expect(health.report.status == "ok")
    #expect(health.report.store == "ok")

    // A failure with no recovery stays failing however long it lasts.
    health.storeFailed("disk I/O error")
    now.withLock { $0 += 3600 }
    #expect(health.report.store == "failing: disk I/O error")
}
