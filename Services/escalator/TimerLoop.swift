// The escalator's clock-driven side: sleeps until the next due time (woken early by new timers) and fires what is due.
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle

public final class TimerLoop: Service, Sendable {
    let book: EscalationBook
    let clock: any EscalationClock
    let relay: OutboxRelay?
    let health: HealthState?
    let metrics: EscalatorMetrics
    let logger: Logger
    private let signal = WakeSignal()
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

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    func loop() async {
        var failing = false
        while !Task.isCancelled {
            let next: Date?
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
