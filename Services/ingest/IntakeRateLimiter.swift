// A token bucket per tenant for intake: a tenant that floods has its excess refused, and nobody else waits for it.
import Foundation
import Synchronization

/// Refusing (not delaying) the excess is what keeps other tenants unaffected: a message held back would hold back
/// the batch it came in, and with it every tenant's messages behind it on the same session.
/// In memory, per ingest instance: a restart forgives a tenant its debt, which costs at most one burst.
public final class IntakeRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var at: Date
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    public init() {}

    /// Takes one message's token from the tenant's bucket; false when the bucket is empty. `rate` 0 is no limit.
    /// Rate and burst are read on every call, so a configuration reload applies at once.
    public func admit(tenant: String, now: Date, rate: Double, burst: Int) -> Bool {
        guard rate > 0 else { return true }
        let capacity = Double(max(burst, 1))
        return buckets.withLock { buckets in
            var bucket = buckets[tenant] ?? Bucket(tokens: capacity, at: now)
            let elapsed = max(0, now.timeIntervalSince(bucket.at))
            bucket.tokens = min(capacity, bucket.tokens + elapsed * rate)
            bucket.at = max(bucket.at, now)
            let admitted = bucket.tokens >= 1
            if admitted { bucket.tokens -= 1 }
            buckets[tenant] = bucket
            return admitted
        }
    }
}
