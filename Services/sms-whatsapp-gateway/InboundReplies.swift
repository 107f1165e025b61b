// `POST /twilio/inbound`: a signed message from a known number that answers an alert (`ACK`, `1`, `RESOLVE`,
// `ESC <reason>`, with a reference when several are open) becomes a command on `alerting/ack/{tenant}/{alert_id}` with
// `by` the user of that number; the sender gets a TwiML reply saying what happened, or a short help.
import Config
import Contracts
import Foundation
import GRDB
import ServiceKit
import Store

public struct InboundReplies: Sendable {
    let runtime: ServiceRuntime
    let environment: [String: String]
    let clock: @Sendable () -> Date

    /// How far back a reply may refer to an alert sent to the number.
    static let replyWindow: TimeInterval = 7 * 24 * 3_600

    static let help = "Reply ACK, RESOLVE or ESC <reason>, with the alert's reference when you have several open (ACK 3f2a)."

    public init(runtime: ServiceRuntime, environment: [String: String], clock: @escaping @Sendable () -> Date = { Date() }) {
        self.runtime = runtime
        self.environment = environment
        self.clock = clock
    }

    public func handle(target: String, body: Data, signature: String?) -> CallbackAnswer {
        let endpoint = "inbound"
        func reject(_ status: Int, _ result: String, _ reason: String) -> CallbackAnswer {
            TwilioMetrics.callback(endpoint, result)
            return .rejected(status, reason)
        }
        guard let pairs = FormBody.decode(body) else { return reject(400, "malformed", "the body is not a form") }
        let form = FormBody.fields(pairs)
        guard let fromText = form["From"], let toText = form["To"] else { return reject(400, "malformed", "From and To are required") }
        guard let from = PhoneNumber(fromText), let to = PhoneNumber(toText) else {
            return reject(400, "malformed", "From and To must be E.164 numbers")
        }
        let whatsapp = fromText.hasPrefix(PhoneNumber.whatsappPrefix)
        let config = runtime.config.current
        // The tenants that send from the number written to, on the account the request names.
        let senders: [(tenant: Tenant, account: TwilioAccount)] = config.tenants.compactMap { tenant in
            guard tenant.enabled, case .success(let account) = TwilioAccount.resolve(tenant: tenant.id, config: config, environment: environment),
                  account.sender(whatsapp: whatsapp) == to, form["AccountSid"].map({ $0 == account.accountSid }) ?? true else { return nil }
            return (tenant, account)
        }
        guard !senders.isEmpty else { return reject(403, "unknown", "no tenant sends from this number") }
        guard let signature, let url = TwilioRequestURL.full(publicBaseURL: config.http.publicBaseURL, target: target) else {
            return reject(403, "forged", "the X-Twilio-Signature does not match")
        }
        let verified = senders.filter { TwilioSignature(authToken: $0.account.authToken).verify(url: url, parameters: pairs, signature: signature) }
        guard !verified.isEmpty else { return reject(403, "forged", "the X-Twilio-Signature does not match") }
        // The user behind the number, in each tenant that may act on it.
        let users: [String: User] = Dictionary(uniqueKeysWithValues: verified.compactMap { sender in
            sender.tenant.users.first { user in
                [user.phone, user.whatsapp].contains { $0.flatMap(PhoneNumber.init) == from }
            }.map { (sender.tenant.id, $0) }
        })
        guard !users.isEmpty else { return reject(403, "unknown", "the number is not a user's") }
        let now = clock()
        let via = whatsapp ? TwilioProvider.whatsappChannel : TwilioProvider.smsChannel
        do {
            let recordSession: (GRDB.Database) throws -> Void = { db in
                if whatsapp { try TwilioRecords.recordInbound(db, sender: to.e164, number: from.e164, at: now) }
            }
            guard let command = ReplyCommand.parse(form["Body"] ?? "") else {
                try runtime.publish([], also: recordSession)
                TwilioMetrics.callback(endpoint, "help")
                return .reply(Self.help)
            }
            let sent = try runtime.store.read {
                try TwilioRecords.sent($0, number: from.e164, tenants: Array(users.keys).sorted(), since: now.addingTimeInterval(-Self.replyWindow))
            }
            let candidates: [TwilioRecords.SentAlert]
            if let reference = command.reference {
                let named = sent.filter { $0.alertId.lowercased().hasSuffix(reference) }
                candidates = named.contains { !$0.resolved } ? named.filter { !$0.resolved } : named
            } else {
                candidates = sent.filter { !$0.resolved }
            }
            guard let alert = candidates.first, let user = users[alert.tenant] else {
                try runtime.publish([], also: recordSession)
                TwilioMetrics.callback(endpoint, "no_alert")
                return .reply(command.reference.map { "No alert \($0) was sent to you." } ?? "You have no open alert to answer.")
            }
            if candidates.count > 1 {
                try runtime.publish([], also: recordSession)
                TwilioMetrics.callback(endpoint, "ambiguous")
                let listed = candidates.prefix(3).map { "\(TwilioText.reference($0.alertId)) \($0.summary.prefix(40))" }.joined(separator: "; ")
                return .reply("You have \(candidates.count) open alerts: \(listed). Reply with the reference, e.g. ACK \(TwilioText.reference(alert.alertId)).")
            }
            let ack = AckCommand(action: command.action, by: user.id, via: via, reason: command.reason,
                                 id: form["MessageSid"].map { "twilio-\($0)" })
            try runtime.publish([(runtime.topics.ack(tenant: alert.tenant, alertId: alert.alertId), try JSONCoding.encode(ack))]) { db in
                try recordSession(db)
                if command.action == .resolve { try TwilioRecords.markResolved(db, tenant: alert.tenant, alertId: alert.alertId) }
            }
            TwilioMetrics.callback(endpoint, command.action.rawValue)
            let what = switch command.action {
            case .acknowledge: "Acknowledged"
            case .resolve: "Resolved"
            default: "Escalated"
            }
            return .reply("\(what): \(alert.summary.prefix(100)) (ref \(TwilioText.reference(alert.alertId))).")
        } catch {
            runtime.logger.error("could not record an inbound message, Twilio will try again: \(error)")
            TwilioMetrics.callback(endpoint, "error")
            return .rejected(503, "could not record it now")
        }
    }
}
