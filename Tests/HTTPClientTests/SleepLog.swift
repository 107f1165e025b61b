// The delays a retry loop asked to sleep, recorded instead of slept.
import Foundation

/// Collects the delays `send` asks to sleep, without sleeping.
final class SleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var delays: [Double] = []
    func record(_ seconds: Double) { lock.withLock { delays.append(seconds) } }
    var recorded: [Double] { lock.withLock { delays } }
}
