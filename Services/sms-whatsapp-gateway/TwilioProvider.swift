// The SMS and WhatsApp gateway's provider: one Messages API request per attempt (WhatsApp free text inside the 24 h
// session window, the approved template outside it, SMS when WhatsApp cannot deliver); `GatewayKit` queues per sender
// number, paces, retries and reports.
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPClient
import Logging
import Store

public struct TwilioProvider: GatewayProvider {
    public static let smsChannel = "sms"
    public static let whatsappChannel = "whatsapp"

    /// A page is worth little hours late: immediately, then 5 s, 30 s, 2 min, 10 min, 30 min (6 attempts over about
    /// 43 minutes), a Retry-After honoured up to 30 minutes; then a `failed` receipt, and the router's failover.
    public static let retrySchedule = RetrySchedule(delays: [5, 30, 120, 600, 1_800], maxRetryAfter: 1_800)

    public let channels = [smsChannel, whatsappChannel]
    public var environment: [String: String]
    /// Sessions and the alerts sent to each number; nil (a test send): always the template, nothing recorded.
    public var store: Store?
    public var timeout: Double
    /// Per sender number. Twilio queues what a number cannot send at once; pacing keeps that queue short, so a long
    /// burst waits in the table (ordered, retried, visible) rather than in Twilio's queue.
    public var smsPacing: Pacing
    public var whatsappPacing: Pacing
    public var retry: RetrySchedule
    public var clock: @Sendable () -> Date
    /// Where a fallback to SMS is noted (the receipt of an immediate one says only `sent`).
    public var logger: Logger?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, store: Store? = nil, timeout: Double = 10,
                smsPacing: Pacing = Pacing(perSecond: 1, burst: 10), whatsappPacing: Pacing = Pacing(perSecond: 20, burst: 20),
                retry: RetrySchedule = TwilioProvider.retrySchedule, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.environment = environment
        self.store = store
        self.timeout = timeout
        self.smsPacing = smsPacing
        self.whatsappPacing = whatsappPacing
        self.retry = retry
        self.clock = clock
    }

    public func makeConnection() -> HTTPClient { HTTPClient() }

    public func retrySchedule(config: AlertingConfig) -> RetrySchedule { retry }

    public func destination(of job: GatewayJob, config: AlertingConfig) -> GatewayDestination {
        let whatsapp = job.dispatch.channel == Self.whatsappChannel
        guard case .success(let account) = TwilioAccount.resolve(tenant: job.tenant, config: config, environment: environment),
              let sender = account.sender(whatsapp: whatsapp) else {
            return GatewayDestination(key: "unconfigured", label: "an unconfigured Twilio sender")
        }
        return GatewayDestination(key: "\(job.dispatch.channel) \(sender)", label: "\(job.dispatch.channel) sender \(sender)",
                                  pacing: whatsapp ? whatsappPacing : smsPacing)
    }

    public func deliver(_ job: GatewayJob, attempt: Int, config: AlertingConfig, connection: HTTPClient) -> AttemptOutcome {
        let dispatch = job.dispatch
        let account: TwilioAccount
        switch TwilioAccount.resolve(tenant: job.tenant, config: config, environment: environment) {
        case .failure(let why): return .failed(error: why.description, failure: .configuration)
        case .success(let resolved): account = resolved
        }
        guard let to = PhoneNumber(dispatch.recipient.address) else {
            return .failed(error: "\"\(dispatch.recipient.address.prefix(40))\" is not an E.164 phone number (+ and 7 to 15 digits)",
                           failure: .rejected)
        }
        let message = TwilioMessage(job: job, to: to, account: account, publicBaseURL: config.http.publicBaseURL)
        let outcome: AttemptOutcome
        if dispatch.channel == Self.whatsappChannel {
            outcome = deliverWhatsApp(message, connection: connection)
        } else if account.smsFrom == nil {
            return .failed(error: "no SMS sender configured (channels.twilio.sms_from)", failure: .configuration)
        } else {
            outcome = send(message.sms(), account: account, connection: connection).outcome
        }
        if case .delivered = outcome { remember(job, to: to) }
        return outcome
    }

    private func deliverWhatsApp(_ message: TwilioMessage, connection: HTTPClient) -> AttemptOutcome {
        let account = message.account
        guard let sender = account.whatsappFrom else {
            return fallback(message, because: "no WhatsApp sender (whatsapp_from)", connection: connection)
                ?? .failed(error: "no WhatsApp sender configured (channels.twilio.whatsapp_from)", failure: .configuration)
        }
        let form: [(String, String)]
        if sessionOpen(sender: sender, number: message.to) {
            form = message.whatsappText()
        } else if let template = account.templateSid {
            form = message.whatsappTemplate(template)
        } else {
            return fallback(message, because: "outside the 24 h session window and no whatsapp_template_sid", connection: connection)
                ?? .failed(error: "outside WhatsApp's 24 h session window and no whatsapp_template_sid configured", failure: .configuration)
        }
        let (outcome, code) = send(form, account: account, connection: connection)
        if case .failed(_, let error, _) = outcome, let code, TwilioErrors.whatsAppUnreachable(code) {
            return fallback(message, because: error, connection: connection) ?? outcome
        }
        return outcome
    }

    /// The same alert by SMS, when `fallback_to_sms` is on and an SMS sender is configured; nil otherwise.
    private func fallback(_ message: TwilioMessage, because reason: String, connection: HTTPClient) -> AttemptOutcome? {
        guard message.account.fallbackToSMS, message.account.smsFrom != nil else { return nil }
        TwilioMetrics.fallbacks.increment()
        logger?.notice("whatsapp dispatch \(message.job.dispatchId) of tenant \(message.job.tenant) not sent by WhatsApp (\(reason)): sending it by SMS")
        let (outcome, _) = send(message.sms(), account: message.account, connection: connection)
        if case .failed(let status, let error, let failure) = outcome {
            return .failed(httpStatus: status, error: "WhatsApp: \(reason); SMS fallback: \(error)", failure: failure)
        }
        return outcome
    }

    private func sessionOpen(sender: PhoneNumber, number: PhoneNumber) -> Bool {
        guard let store, let last = try? store.read({ try TwilioRecords.lastInbound($0, sender: sender.e164, number: number.e164) })
        else { return false }
        return clock().timeIntervalSince(last) < TwilioRecords.sessionWindow
    }

    /// What a reply from this number will refer to: notified alerts stay answerable until a resolved update is sent.
    private func remember(_ job: GatewayJob, to: PhoneNumber) {
        guard let store else { return }
        let dispatch = job.dispatch
        do {
            try store.write { db in
                if dispatch.kind == .notify {
                    try TwilioRecords.recordSent(db, tenant: job.tenant, number: to.e164, alertId: dispatch.alert.id, user: dispatch.recipient.user,
                                                 summary: dispatch.alert.summary, at: clock())
                } else if dispatch.event == .resolved {
                    try TwilioRecords.markResolved(db, tenant: job.tenant, alertId: dispatch.alert.id)
                }
            }
        } catch {
            // A reply to this alert then needs its reference or finds nothing; the delivery itself stands.
        }
    }

    /// One POST to the Messages API; the outcome and Twilio's error code, if it answered with one.
    func send(_ form: [(String, String)], account: TwilioAccount, connection: HTTPClient) -> (outcome: AttemptOutcome, code: Int?) {
        let request = HTTPRequest(method: "POST", url: account.messagesURL,
                                  headers: [("Authorization", account.authorization), ("Content-Type", "application/x-www-form-urlencoded"),
                                            ("Accept", "application/json")],
                                  body: FormBody.encode(form), timeout: timeout)
        let result = connection.perform(request)
        guard case .success(let response) = result else { return (HTTPAttempt.outcome(result), nil) }
        let answer = TwilioErrors.Answer(response.body)
        if response.isSuccess { return (.delivered(status: .sent, httpStatus: response.status, providerRef: answer.sid), nil) }
        let described = "Twilio \(answer.code.map(String.init) ?? "error") (HTTP \(response.status))" + (answer.message.map { ": \($0.prefix(200))" } ?? "")
        switch HTTPAttempt.outcome(result) {
        case .retry(let after, let status, _, let failure, let pause):
            return (.retry(retryAfter: after, httpStatus: status, error: described, failure: failure, pauseDestination: pause), answer.code)
        case .failed(let status, _, _):
            // 401/403: the account's credentials, not the message.
            let failure: FailureKind = response.status == 401 || response.status == 403 ? .configuration : .rejected
            return (.failed(httpStatus: status, error: described, failure: failure), answer.code)
        case .delivered(let status, let httpStatus, let ref):
            return (.delivered(status: status, httpStatus: httpStatus, providerRef: ref), nil)
        }
    }
}
