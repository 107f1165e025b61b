// A WorkScheduler for tests: scheduled work waits until the test runs it, so a retry happens exactly when asked.
import ServiceKit
import Synchronization

public final class HeldWork: WorkScheduler {
    private let waiting = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        waiting.withLock { $0.append(work) }
    }

    /// Work scheduled and not run yet.
    public var count: Int { waiting.withLock { $0.count } }

    /// Runs what waits (not what it schedules in turn).
    public func runAll() {
        let work = waiting.withLock { waiting in
            defer { waiting = [] }
            return waiting
        }
        for item in work { item() }
    }
}
