// Blocking set-up (starting a broker with its scripts, an SMTP server, waiting for a child process) on a thread of its
// own: Swift's concurrency pool has one thread per core, and a test that blocks them stalls every other test's
// in-process HTTP stand-ins, whose handlers run on that pool.
import Foundation

public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
