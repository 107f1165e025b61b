// Keeps a warning that repeats for every message (a user nobody can reach, a tenant that is not configured) to one
// line per key and interval, with the number of repeats it held back; the counters still count every one.
import Foundation
import Synchronization

public final class LogThrottle: Sendable {
    public let interval: TimeInterval
    private let clock: @Sendable () -> TimeInterval
    private let last = Mutex<[String: (at: TimeInterval, held: Int)]>([:])
    private let capacity: Int

    /// - Parameter capacity: keys remembered at most; beyond it the oldest half is forgotten (they log again).
    public init(interval: TimeInterval = 60, capacity: Int = 10_000,
                clock: @escaping @Sendable () -> TimeInterval = { Date().timeIntervalSince1970 }) {
        self.interval = interval
        self.capacity = capacity
        self.clock = clock
    }

    /// nil while `key` was logged less than `interval` ago (the repeat is counted); otherwise the number of repeats
    /// held back since the last line, and the caller logs.
    public func admit(_ key: String) -> Int? {
        let now = clock()
        return last.withLock { last in
            if let entry = last[key], now - entry.at < interval {
                last[key] = (entry.at, entry.held + 1)
                return nil
            }
            if last.count >= capacity {
                let oldest = last.sorted { $0.value.at < $1.value.at }.prefix(capacity / 2).map(\.key)
                for key in oldest { last[key] = nil }
            }
            let held = last[key]?.held ?? 0
            last[key] = (now, 0)
            return held
        }
    }

    /// The suffix saying how many lines were held back, or nothing when none were.
    public static func heldNote(_ held: Int) -> String {
        held == 0 ? "" : " (\(held) more like it since the last such line)"
    }
}
