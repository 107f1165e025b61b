// Pacing of one destination: a token bucket on an injected clock.

public struct TokenBucket: Sendable {
    public let pacing: Pacing
    private var tokens: Double
    private var updatedAt: Double

    public init(pacing: Pacing, now: Double) {
        self.pacing = pacing
        tokens = Double(pacing.burst)
        updatedAt = now
    }

    private mutating func refill(now: Double) {
        guard let rate = pacing.perSecond else { return }
        if now > updatedAt {
            tokens = min(Double(pacing.burst), tokens + (now - updatedAt) * rate)
            updatedAt = now
        }
    }

    /// Seconds until a token is there (0: now).
    public mutating func wait(now: Double) -> Double {
        guard let rate = pacing.perSecond else { return 0 }
        refill(now: now)
        return tokens >= 1 ? 0 : (1 - tokens) / rate
    }

    /// Seconds until the `position`-th next token (0 for the next one), for estimating when a queued job goes.
    public mutating func wait(forPosition position: Int, now: Double) -> Double {
        guard let rate = pacing.perSecond else { return 0 }
        refill(now: now)
        let needed = Double(position) + 1 - tokens
        return needed <= 0 ? 0 : needed / rate
    }

    /// Takes a token; call only when `wait(now:)` is 0.
    public mutating func take(now: Double) {
        guard pacing.perSecond != nil else { return }
        refill(now: now)
        tokens -= 1
    }
}
