// Waiting for a condition that another thread or process makes true: polled, with a deadline.
import Foundation

/// Polls `condition` until it holds (true) or `timeout` seconds pass (false: the caller asserts on it).
public func eventually(timeout: Double = 10, every interval: Duration = .milliseconds(20),
                       _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(timeout * 1000)))
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try condition()
}
