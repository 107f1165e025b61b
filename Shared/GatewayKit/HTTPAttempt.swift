// The usual reading of one HTTP attempt: 2xx delivered; 429, 408, 425, 5xx, timeouts and broken connections retried
// (honouring Retry-After); any other answer refused for good.
import Foundation
import HTTPClient

public enum HTTPAttempt {
    public static func outcome(_ result: Result<HTTPResponse, HTTPClientError>, now: Date = Date(), providerRef: String? = nil) -> AttemptOutcome {
        switch result {
        case .success(let response):
            let status = response.status
            if (200..<300).contains(status) { return .delivered(httpStatus: status, providerRef: providerRef) }
            let retryAfter = response.headers["retry-after"].flatMap { RetryPolicy.retryAfterSeconds($0, now: now) }
            switch status {
            case 429:
                return .retry(retryAfter: retryAfter, httpStatus: status, error: "HTTP 429", failure: .throttled, pauseDestination: true)
            case 408, 425, 500...599:
                // A 503 with Retry-After speaks for the whole host, like a 429.
                return .retry(retryAfter: retryAfter, httpStatus: status, error: "HTTP \(status)", failure: .serverError,
                              pauseDestination: retryAfter != nil)
            default:
                return .failed(httpStatus: status, error: "HTTP \(status)", failure: .rejected)
            }
        case .failure(let error):
            switch error.code {
            case .timeout: return .retry(error: error.description, failure: .timeout, pauseDestination: true)
            case .connect: return .retry(error: error.description, failure: .connect, pauseDestination: true)
            case .tls: return .failed(error: error.description, failure: .tls)
            case .invalidURL: return .failed(error: error.description, failure: .configuration)
            case .other: return .retry(error: error.description, failure: .other)
            }
        }
    }
}
