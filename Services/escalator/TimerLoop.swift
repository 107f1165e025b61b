// The escalator's clock-driven side: sleeps until the next due time (woken early by new timers) and fires what is due.
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle
import Synchronization

public final class TimerLoop: Service, Sendable {
    let book: EscalationBook
    let clock: any EscalationClock
    let relay: OutboxRelay?
    let health: HealthState?
    let metrics: EscalatorMetrics
    let logger: Logger
    private let signal = WakeSignal()
    /// When the loop will look next, while it waits; nil while it fires (it reads the timers afresh afterwards).
    private let sleepingUntil = Mutex<Date?>(nil)
    /// Without any timer, still look again after this long (a safety net, not the way steps are found).
    static let idleWait: TimeInterval = 3600

    public init(book: EscalationBook, clock: any EscalationClock, relay: OutboxRelay?, health: HealthState?,
                metrics: EscalatorMetrics = EscalatorMetrics(), logger: Logger) {
        self.book = book
        self.clock = clock
        self.relay = relay
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    /// Called after a commit that added timers: the loop re-reads the earliest due time.
    public func wake() { signal.fire() }

    /// Called after a commit that added timers, the earliest due at `due`: wakes the loop only if it sleeps past
    /// that. Every alert gets at least its expiry timer days ahead, so waking (a write transaction to find
    /// nothing due, and a read) on each one cost the escalator a third of its CPU at 1,000 alerts/s.
    public func wake(for due: Date) {
        let needed = sleepingUntil.withLock { until in until.map { due < $0 } ?? true }
        if needed { wake() }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    func loop() async {
        var failing = false
        while !Task.isCancelled {
            let next: Date?
            sleepingUntil.withLock { $0 = nil }
            do {
                next = try fireDue()
                // Only clear a failure this loop reported, not one the consumer did.
                if failing { health?.storeRecovered() }
                failing = false
            } catch {
                failing = true
                health?.storeFailed(String(describing: error))
                logger.error("could not fire due escalations, retrying in a second: \(error)")
                try? await clock.sleep(until: clock.now.addingTimeInterval(1))
                continue
            }
            let until = next ?? clock.now.addingTimeInterval(Self.idleWait)
            // A timer committed after `fireDue` read the next due time, but before this, found nil and fired the
            // signal, which the wait below returns on at once.
            sleepingUntil.withLock { $0 = until }
            let clock = self.clock
            let signal = self.signal
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(until: until) }
                group.addTask { await signal.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Fires every due timer in batches; returns the next due time.
    func fireDue() throws -> Date? {
        while true {
            let now = clock.now
            let (published, fired) = try book.fireDue(now: now)
            relay?.send(published)
            metrics.fired.increment(by: fired)
            metrics.published.increment(by: published.count)
            guard fired > 0 else { break }
        }
        return try book.nextDue()
    }
}
