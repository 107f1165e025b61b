// How one attempt at a delivery went, as the provider classifies it.
import Contracts

public enum AttemptOutcome: Sendable, Equatable {
    /// Done. `status` is `sent` unless the provider knows more (`delivered`).
    case delivered(status: DeliveryReceipt.Status = .sent, httpStatus: Int? = nil, providerRef: String? = nil)
    /// Not now: tried again by the retry schedule, or after `retryAfter` seconds when the receiver said so
    /// (`pauseDestination`: the receiver throttles or is unreachable, so its other deliveries wait too).
    case retry(retryAfter: Double? = nil, httpStatus: Int? = nil, error: String, failure: FailureKind, pauseDestination: Bool = false)
    /// Never: a `failed` receipt (`bounced` when `failure` is `.bounced`) and a dead letter at once.
    case failed(httpStatus: Int? = nil, error: String, failure: FailureKind)

    /// The receipt's status of a `.failed` outcome.
    public static func finalStatus(of failure: FailureKind) -> DeliveryReceipt.Status {
        failure == .bounced ? .bounced : .failed
    }

    public var failure: FailureKind? {
        switch self {
        case .delivered: nil
        case .retry(_, _, _, let failure, _), .failed(_, _, let failure): failure
        }
    }
}

/// Why an attempt failed, as a metric label: a short, fixed list.
public enum FailureKind: String, Sendable, CaseIterable {
    /// 429: the receiver throttles.
    case throttled
    /// 5xx, 408, 425.
    case serverError = "server_error"
    /// Other 4xx: the receiver refuses the request.
    case rejected
    case timeout
    /// No connection, or it broke.
    case connect
    case tls
    /// The gateway's configuration: unknown or disabled webhook, missing secret, bad URL.
    case configuration
    /// The message could not be rendered.
    case render
    /// The receiving server says the address does not exist (an SMTP 5xx at RCPT): the receipt says `bounced`.
    case bounced
    case other
}
