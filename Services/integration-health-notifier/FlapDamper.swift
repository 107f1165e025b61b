// Flap damping: the same notice about one integration is sent once per window; repeats are counted, not sent.
import Foundation

public enum FlapDamper {
    /// One damping key's window: when its last sent notice went out, and how many identical ones were held since.
    public struct Window: Sendable, Equatable {
        public var openedAt: Date
        public var damped: Int
        public init(openedAt: Date, damped: Int = 0) { self.openedAt = openedAt; self.damped = damped }
    }

    /// Whether a notice goes out now; if it does, `repeats` is how many identical ones the previous window held back.
    public static func admit(_ previous: Window?, now: Date, window seconds: Double) -> (send: Bool, repeats: Int, next: Window) {
        guard let previous, seconds > 0, now.timeIntervalSince(previous.openedAt) < seconds else {
            return (true, previous?.damped ?? 0, Window(openedAt: now))
        }
        return (false, 0, Window(openedAt: previous.openedAt, damped: previous.damped + 1))
    }
}
