// Exponential reconnect delays with jitter, so a fleet of clients does not reconnect in lockstep.
import Foundation

struct ReconnectBackoff: Sendable {
    let minimum: Double
    let maximum: Double
    private(set) var failures = 0

    init(minimum: Double, maximum: Double) {
        self.minimum = max(0.001, minimum)
        self.maximum = max(self.minimum, maximum)
    }

    /// The delay before the next attempt; each call doubles the ceiling up to `maximum`.
    mutating func next() -> Double {
        let ceiling = min(maximum, minimum * pow(2, Double(failures)))
        failures = min(failures + 1, 60)
        return max(minimum, Double.random(in: (ceiling / 2)...ceiling))
    }

    mutating func reset() {
        failures = 0
    }
}

/// Seconds on `ContinuousClock` (it never jumps) since the module first read it: what the loop's deadlines compare.
func monotonicSeconds() -> Double {
    let elapsed = ContinuousClock.now - clockOrigin
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

private let clockOrigin = ContinuousClock.now
