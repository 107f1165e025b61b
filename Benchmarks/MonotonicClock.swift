// The benchmark's clock: monotonic nanoseconds, and sleeping until a point on it.
import Foundation

/// CLOCK_MONOTONIC in nanoseconds: every send and receive time of the bench, in one process.
@inline(__always) func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Sleeps until the monotonic clock reaches `deadline` (nanoseconds).
func sleep(untilNanos deadline: UInt64) {
    let now = monotonicNanos()
    guard deadline > now else { return }
    var request = timespec(tv_sec: Int((deadline - now) / 1_000_000_000), tv_nsec: Int((deadline - now) % 1_000_000_000))
    nanosleep(&request, nil)
}
