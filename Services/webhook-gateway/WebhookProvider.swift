// The webhook gateway's provider: Teams, Google Chat, Discord and generic webhooks (channel `webhook`) and ntfy push
// (channel `push`), one attempt at a time; `GatewayKit` queues, paces, retries and reports.
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPClient

public struct WebhookProvider: GatewayProvider {
    public var environment: [String: String]
    /// Nil: `channels.webhook.timeout`.
    public var timeout: Double?
    public let channels: [String]

    /// - Parameter push: also deliver channel `push` through ntfy.
    public init(push: Bool = false, timeout: Double? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        self.timeout = timeout
        channels = push ? [WebhookGatewayService.channel, NtfyPush.channel] : [WebhookGatewayService.channel]
    }

    public func makeConnection() -> HTTPClient { HTTPClient() }

    public func retrySchedule(config: AlertingConfig) -> RetrySchedule {
        RetrySchedule(delays: config.channels.webhook.retrySchedule.map(\.seconds))
    }

    public func destination(of job: GatewayJob, config: AlertingConfig) -> GatewayDestination {
        let pacing = config.channels.webhook.pacing
        if job.dispatch.channel == NtfyPush.channel {
            let server = config.push(forTenant: job.tenant)?.ntfyURL ?? ""
            return GatewayDestination(key: "ntfy " + Self.origin(server), label: Self.origin(server), pacing: Self.pacing(pacing.push))
        }
        guard let webhook = Self.webhook(job, config: config), let url = webhook.resolvedURL(environment: environment) else {
            return GatewayDestination(key: "unresolved", label: "an unknown webhook")
        }
        switch webhook.type {
        case .generic:
            // A customer's own receiver: one queue per host, whatever the tenant (that is what throttles or dies).
            return GatewayDestination(key: "host " + Self.origin(url), label: Self.origin(url), pacing: Self.pacing(pacing.generic))
        case .teams, .googleChat, .discord:
            // These platforms limit each webhook (a channel, a space) and serve everyone from a few hosts: one queue per
            // webhook, so one tenant's throttled Discord channel does not slow another's.
            let typePacing = webhook.type == .teams ? pacing.teams : webhook.type == .discord ? pacing.discord : pacing.googleChat
            return GatewayDestination(key: "webhook \(job.tenant)/\(job.dispatch.recipient.service ?? "")/\(webhook.id)",
                                      label: "\(webhook.type.rawValue) webhook \(webhook.id) of tenant \(job.tenant)",
                                      pacing: Self.pacing(typePacing))
        }
    }

    public func deliver(_ job: GatewayJob, attempt: Int, config: AlertingConfig, connection: HTTPClient) -> AttemptOutcome {
        let timeout = self.timeout ?? config.channels.webhook.timeout.seconds
        if job.dispatch.channel == NtfyPush.channel {
            return NtfyPush(environment: environment, timeout: timeout).deliver(job, config: config, client: connection)
        }
        let dispatch = job.dispatch
        guard let webhook = Self.webhook(job, config: config) else {
            return .failed(error: "no webhook \"\(dispatch.recipient.address)\" for service \(dispatch.recipient.service ?? "?") in tenant \(job.tenant)",
                           failure: .configuration)
        }
        guard webhook.enabled else { return .failed(error: "webhook \(webhook.id) is disabled", failure: .configuration) }
        guard let url = webhook.resolvedURL(environment: environment) else {
            return .failed(error: "webhook \(webhook.id) unavailable: \(webhook.urlEnv ?? "url") is not set", failure: .configuration)
        }
        let now = Date()
        let body: Data
        do {
            body = try WebhookPayload.body(for: dispatch, type: webhook.type, at: now)
        } catch {
            return .failed(error: "could not render: \(error)", failure: .render)
        }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let secretEnv = webhook.secretEnv {
            guard let secret = secret(named: secretEnv, environment: environment) else {
                return .failed(error: "webhook \(webhook.id) unavailable: \(secretEnv) is not set", failure: .configuration)
            }
            // The same webhook-id on every attempt (and after a kill -9): receivers drop repeats by it.
            headers += WebhookSigner(secret: secret).headers(id: dispatch.dispatchId, timestamp: Int(now.timeIntervalSince1970), body: body)
        } else {
            // Receivers dedup retries on the id even when nothing is signed.
            headers.append(("webhook-id", dispatch.dispatchId))
        }
        return HTTPAttempt.outcome(connection.perform(HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: timeout)),
                                   now: now)
    }

    static func webhook(_ job: GatewayJob, config: AlertingConfig) -> WebhookConfig? {
        guard let tenant = config.tenant(id: job.tenant), let serviceID = job.dispatch.recipient.service,
              let service = tenant.service(id: serviceID) else { return nil }
        return service.webhook(id: job.dispatch.recipient.address)
    }

    static func pacing(_ config: PacingConfig) -> Pacing { Pacing(perSecond: config.perSecond, burst: config.burst) }

    /// `scheme://host:port` of a URL: what a queue is keyed by and logs show (never its path, which may hold a token).
    static func origin(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "?" }
        return "\(components.scheme ?? "https")://\(host)\(components.port.map { ":\($0)" } ?? "")"
    }
}
