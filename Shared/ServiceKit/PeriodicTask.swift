// A lifecycle service that does a piece of housekeeping now and then every `interval` until shutdown.
import Foundation
import ServiceLifecycle

public struct PeriodicTask: Service {
    let interval: TimeInterval
    let work: @Sendable () -> Void

    public init(every interval: TimeInterval, _ work: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.work = work
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                work()
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
        }
    }
}
