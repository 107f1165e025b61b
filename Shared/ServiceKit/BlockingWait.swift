// A blocking wait (a thread to join, a flush to finish) on a thread of its own: Swift's concurrency pool has one
// thread per core, and a service that blocked one would stall the others' work.
import Foundation

func blockingWait(_ work: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        Thread.detachNewThread {
            work()
            continuation.resume()
        }
    }
}
