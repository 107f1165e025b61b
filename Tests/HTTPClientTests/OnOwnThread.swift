// Runs blocking client calls on a thread of their own.
import Foundation

/// Runs blocking curl work on a thread of its own: the test server answers from the cooperative
/// pool, which a blocked test must not occupy (two cores: two pool threads).
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
