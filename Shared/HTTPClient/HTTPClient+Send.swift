// Sending with retries: attempts until success, a non-retryable answer, or the policy's limit.
import Foundation
import Logging

extension HTTPClient {
    /// Blocks the calling thread, sleeping between attempts with `sleep` (injectable so tests don't wait).
    public func send(_ request: HTTPRequest, retry: RetryPolicy,
                     sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) -> HTTPDelivery {
        let maxAttempts = max(retry.maxAttempts, 1)
        var attempt = 0
        while true {
            attempt += 1
            let waitFor: Double
            switch perform(request) {
            case .success(let response):
                guard retry.shouldRetry(status: response.status), attempt < maxAttempts else {
                    return HTTPDelivery(response: response, error: nil, attempts: attempt)
                }
                waitFor = retry.delay(afterAttempt: attempt, retryAfter: response.headers["retry-after"])
                logger.debug("retrying HTTP request", metadata: [
                    "host": "\(Self.host(of: request.url))", "status": "\(response.status)",
                    "attempt": "\(attempt)", "delay": "\(waitFor)",
                ])
            case .failure(let error):
                guard retry.shouldRetry(error: error), attempt < maxAttempts else {
                    return HTTPDelivery(response: nil, error: error, attempts: attempt)
                }
                waitFor = retry.delay(afterAttempt: attempt, retryAfter: nil)
                logger.debug("retrying HTTP request", metadata: [
                    "host": "\(Self.host(of: request.url))", "error": "\(error.code.rawValue)",
                    "attempt": "\(attempt)", "delay": "\(waitFor)",
                ])
            }
            sleep(waitFor)
        }
    }

    /// Only the host goes into logs: paths and queries of webhook URLs often carry tokens.
    static func host(of url: String) -> String {
        URLComponents(string: url)?.host ?? "?"
    }
}
