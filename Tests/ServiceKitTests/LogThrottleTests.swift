// A warning that repeats per message is logged once per key and interval, saying how many it held back.
import Foundation
import ServiceKit
import Synchronization
import Testing

@Test func aRepeatedWarningIsLoggedOncePerIntervalWithTheCountHeldBack() {
    let now = Mutex(1_000.0)
    let throttle = LogThrottle(interval: 60, clock: { now.withLock { $0 } })
    #expect(throttle.admit("undeliverable/acme/bob") == 0)
    for _ in 0..<5 { #expect(throttle.admit("undeliverable/acme/bob") == nil) }
    // Another key is independent.
    #expect(throttle.admit("undeliverable/acme/ann") == 0)
    now.withLock { $0 += 59 }
    #expect(throttle.admit("undeliverable/acme/bob") == nil)
    now.withLock { $0 += 1 }
    #expect(throttle.admit("undeliverable/acme/bob") == 6, "six repeats were held back since the first line")
    #expect(throttle.admit("undeliverable/acme/bob") == nil)
    #expect(LogThrottle.heldNote(0) == "")
    #expect(LogThrottle.heldNote(6) == " (6 more like it since the last such line)")
}

@Test func theThrottleForgetsItsOldestKeysWhenFull() {
    let now = Mutex(0.0)
    let throttle = LogThrottle(interval: 60, capacity: 4, clock: { now.withLock { $0 } })
    for key in ["a", "b", "c", "d"] {
        #expect(throttle.admit(key) == 0)
        now.withLock { $0 += 1 }
    }
    // A fifth key makes room by forgetting the oldest half: "a" and "b" log again at once, "c" and "d" do not.
    #expect(throttle.admit("e") == 0)
    #expect(throttle.admit("d") == nil)
    #expect(throttle.admit("a") == 0)
}
