// The service group's timer: work scheduled for later runs while the group runs, and is dropped when it stops.
import ServiceLifecycle

/// Work scheduled before `run()` starts waits for it; work still waiting at shutdown is dropped (what it would have
/// retried is durable in a table and read again at the next start).
public final class DelayedWork: WorkScheduler, Service {
    private struct Request: Sendable {
        let deadline: ContinuousClock.Instant
        let work: @Sendable () -> Void
    }
    private let requests: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation
    private let clock = ContinuousClock()

    public init() {
        (requests, continuation) = AsyncStream.makeStream()
    }

    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        continuation.yield(Request(deadline: clock.now.advanced(by: delay), work: work))
    }

    public func run() async throws {
        defer { continuation.finish() }
        let (requests, clock) = (requests, clock)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await request in requests {
                    group.addTask {
                        do {
                            try await clock.sleep(until: request.deadline)
                        } catch {
                            return
                        }
                        request.work()
                    }
                }
            }
        }
    }
}
