// One delivery: find the webhook in the configuration, render, sign, POST with retries, and say what happened.
import Config
import Contracts
import Foundation
import HTTPClient

public struct DeliveryOutcome: Sendable, Equatable {
    public var status: DeliveryReceipt.Status
    public var attempts: Int
    public var httpStatus: Int?
    public var error: String?
}

public struct WebhookDelivery: Sendable {
    public var retry: RetryPolicy
    public var timeout: Double
    public var environment: [String: String]

    public init(retry: RetryPolicy = RetryPolicy(), timeout: Double = 10, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.retry = retry
        self.timeout = timeout
        self.environment = environment
    }

    public func deliver(_ job: DeliveryJob, config: AlertingConfig, client: HTTPClient, now: Date = Date()) -> DeliveryOutcome {
        let dispatch = job.dispatch
        guard let tenant = config.tenant(id: job.tenant), let serviceID = dispatch.recipient.service,
              let service = tenant.service(id: serviceID), let webhook = service.webhook(id: dispatch.recipient.address) else {
            return DeliveryOutcome(status: .failed, attempts: 0, error: "no webhook \"\(dispatch.recipient.address)\" for service \(dispatch.recipient.service ?? "?") in tenant \(job.tenant)")
        }
        guard webhook.enabled else {
            return DeliveryOutcome(status: .failed, attempts: 0, error: "webhook \(webhook.id) is disabled")
        }
        guard let url = webhook.resolvedURL(environment: environment) else {
            return DeliveryOutcome(status: .failed, attempts: 0, error: "webhook \(webhook.id) unavailable: \(webhook.urlEnv ?? "url") is not set")
        }
        let body: Data
        do {
            body = try WebhookPayload.body(for: dispatch, type: webhook.type, at: now)
        } catch {
            return DeliveryOutcome(status: .failed, attempts: 0, error: "could not render: \(error)")
        }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let secretEnv = webhook.secretEnv {
            guard let secret = secret(named: secretEnv, environment: environment) else {
                return DeliveryOutcome(status: .failed, attempts: 0, error: "webhook \(webhook.id) unavailable: \(secretEnv) is not set")
            }
            headers += WebhookSigner(secret: secret).headers(id: dispatch.dispatchId, timestamp: Int(now.timeIntervalSince1970), body: body)
        } else {
            // Receivers dedup retries on the id even when nothing is signed.
            headers.append(("webhook-id", dispatch.dispatchId))
        }
        let request = HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: timeout)
        let delivery = client.send(request, retry: retry)
        if let response = delivery.response, (200..<300).contains(response.status) {
            return DeliveryOutcome(status: .sent, attempts: delivery.attempts, httpStatus: response.status)
        }
        if let response = delivery.response {
            return DeliveryOutcome(status: .failed, attempts: delivery.attempts, httpStatus: response.status,
                                   error: "HTTP \(response.status)")
        }
        return DeliveryOutcome(status: .failed, attempts: delivery.attempts, error: delivery.error.map { "\($0)" } ?? "no response")
    }
}
