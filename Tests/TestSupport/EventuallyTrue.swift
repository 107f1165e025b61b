// Waiting for a condition read from a store or a service's state, with a bounded wait.
import Foundation

/// Polls `condition` every 50 ms for up to `timeout` seconds; throws if it never holds.
public func eventuallyTrue(timeout: Double = 10, _ what: String = "condition", _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    throw ServiceProcessError(message: "\(what) not met within \(timeout) s")
}
