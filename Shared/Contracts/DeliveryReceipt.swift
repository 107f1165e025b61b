// One delivery outcome, gateways → router, on `alerting/receipts/{tenant}`.
import Foundation

public struct DeliveryReceipt: EnvelopePayload {
    public static let eventType = "alerting.receipt"

    public enum Status: String, Codable, Sendable, CaseIterable {
        case sent, delivered, read, failed, bounced
    }

    public var dispatchId: String
    public var alertId: String
    public var channel: String
    public var status: Status
    /// 1-based number of the attempt that produced this outcome.
    public var attempt: Int
    public var httpStatus: Int?
    public var error: String?
    public var providerRef: String?
    public var recipient: Recipient?

    public init(dispatchId: String, alertId: String, channel: String, status: Status, attempt: Int, httpStatus: Int? = nil,
                error: String? = nil, providerRef: String? = nil, recipient: Recipient? = nil) {
        self.dispatchId = dispatchId
        self.alertId = alertId
        self.channel = channel
        self.status = status
        self.attempt = attempt
        self.httpStatus = httpStatus
        self.error = error
        self.providerRef = providerRef
        self.recipient = recipient
    }

    enum CodingKeys: String, CodingKey {
        case channel, status, attempt, error, recipient
        case dispatchId = "dispatch_id"
        case alertId = "alert_id"
        case httpStatus = "http_status"
        case providerRef = "provider_ref"
    }
}
