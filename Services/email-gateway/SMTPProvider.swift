// The e-mail channel on top of GatewayKit: one multipart mail per dispatch over SMTP, each SMTP server its own queue.
import Config
import Contracts
import Foundation
import GatewayKit

public struct SMTPProvider: GatewayProvider {
    public typealias Connection = SMTPClient

    public static let channel = "email"
    public var channels: [String] { [Self.channel] }

    public let environment: [String: String]
    /// One SMTP exchange at most, connection and TLS included.
    public let timeout: Double
    public let retry: RetrySchedule
    public let clock: @Sendable () -> Date

    /// 10 s, 1 min, 5 min, 15 min, 30 min: six attempts within about an hour, since an alert mailed hours late is
    /// worth little and the failed receipt starts the router's failover.
    public static let defaultRetry = RetrySchedule(delays: [10, 60, 300, 900, 1_800], maxRetryAfter: 1_800)

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Double = 30,
                retry: RetrySchedule = SMTPProvider.defaultRetry, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.environment = environment
        self.timeout = timeout
        self.retry = retry
        self.clock = clock
    }

    public func makeConnection() -> SMTPClient { SMTPClient(connectTimeout: min(10, timeout)) }

    public func retrySchedule(config: AlertingConfig) -> RetrySchedule { retry }

    public func destination(of job: GatewayJob, config: AlertingConfig) -> GatewayDestination {
        switch EmailAccount.resolve(tenant: job.tenant, config: config, environment: environment) {
        case .success(let account):
            // One queue per server, whichever tenants send through it.
            return GatewayDestination(key: "smtp:\(account.server.label)", label: account.server.label, pacing: account.pacing)
        case .failure:
            return GatewayDestination(key: "smtp:unconfigured", label: "unconfigured")
        }
    }

    public func deliver(_ job: GatewayJob, attempt: Int, config: AlertingConfig, connection: SMTPClient) -> AttemptOutcome {
        let account: EmailAccount
        switch EmailAccount.resolve(tenant: job.tenant, config: config, environment: environment) {
        case .failure(let problem): return .failed(error: problem.description, failure: .configuration)
        case .success(let resolved): account = resolved
        }
        let recipient = job.dispatch.recipient
        guard let to = MailAddress(recipient.address, name: recipient.name) else {
            return .failed(error: "\"\(recipient.address.prefix(80))\" is not an e-mail address", failure: .rejected)
        }
        let message = EmailMessage(dispatch: job.dispatch, from: account.from, to: to, date: clock())
        let result = connection.send(message.data, from: account.from.address, to: to.address, server: account.server,
                                     requireTLS: account.requireTLS, caFile: account.caFile, timeout: timeout)
        return Self.outcome(result, messageID: message.ids.messageID)
    }

    /// 2xx: sent (the Message-ID is the provider reference). 4xx and broken connections: tried again. 5xx at RCPT: the
    /// address bounced (but 501 and 555, a syntax error in the address as written, fail like an address that does not
    /// parse). Other 5xx, TLS and credential failures: failed for good, with the server's reply.
    public static func outcome(_ result: SMTPResult, messageID: String) -> AttemptOutcome {
        guard let failure = result.failure else { return .delivered(status: .sent, providerRef: messageID) }
        let reply = result.reply.isEmpty ? "" : ": \(result.reply)"
        if let code = result.replyCode, (400..<600).contains(code), failure == .connection || failure == .other || failure == .login {
            let error = "SMTP \(code) at \(result.stage.rawValue)\(reply)"
            if code < 500 {
                // The server, not this message: a 421 (closing), or a failure before any recipient was named.
                let serverWide = code == 421 || [.greeting, .starttls, .auth, .mailFrom].contains(result.stage)
                return .retry(error: error, failure: code == 421 || code == 450 || code == 452 ? .throttled : .serverError,
                              pauseDestination: serverWide)
            }
            switch result.stage {
            case .recipient where code == 501 || code == 555: return .failed(error: error, failure: .rejected)
            case .recipient: return .failed(error: error, failure: .bounced)
            case .auth: return .failed(error: error, failure: .configuration)
            default: return .failed(error: error, failure: .rejected)
            }
        }
        let error = "\(result.message)\(reply)"
        switch failure {
        case .timeout: return .retry(error: error, failure: .timeout, pauseDestination: true)
        case .connection, .other: return .retry(error: error, failure: .connect, pauseDestination: true)
        case .tls: return .failed(error: error, failure: .tls)
        case .login, .configuration: return .failed(error: error, failure: .configuration)
        }
    }
}
