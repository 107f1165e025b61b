// How a gateway's delivery machinery is sized; the measured defaults of the webhook gateway.

public struct GatewaySettings: Sendable {
    /// Delivery threads (blocking calls stay off the cooperative pool; each keeps its own connections).
    public var threads: Int
    /// Jobs in memory at most (queued, being delivered, or waiting to be recorded) per stream (fresh jobs, and jobs
    /// the retry scheduler read back); the others wait in the table.
    public var memoryLimit: Int
    /// Attempts in flight to one destination at most, so a slow one cannot take every thread.
    public var maxInFlightPerDestination: Int
    /// A job whose destination would make it wait longer than this goes back to the table until then.
    public var maxQueueWait: Double

    public init(threads: Int = 8, memoryLimit: Int = 1000, maxInFlightPerDestination: Int? = nil, maxQueueWait: Double = 2) {
        self.threads = max(1, threads)
        self.memoryLimit = max(1, memoryLimit)
        self.maxInFlightPerDestination = max(1, maxInFlightPerDestination ?? max(1, self.threads / 2))
        self.maxQueueWait = maxQueueWait
    }
}
