// `POST /twilio/status`: Twilio's signed status callbacks become receipts on `alerting/receipts/{tenant}`; a WhatsApp
// message Twilio could not deliver is sent again by SMS when `fallback_to_sms` is on.
import Config
import Contracts
import Foundation
import GatewayKit
import ServiceKit
import Store

public struct StatusCallbacks: Sendable {
    let runtime: ServiceRuntime
    let intake: GatewayIntake
    let environment: [String: String]

    public init(runtime: ServiceRuntime, intake: GatewayIntake, environment: [String: String]) {
        self.runtime = runtime
        self.intake = intake
        self.environment = environment
    }

    /// Twilio's message status → a receipt's; nil for the statuses that say nothing new (`receiving`, `received`).
    static func receiptStatus(_ twilio: String) -> DeliveryReceipt.Status? {
        switch twilio {
        case "accepted", "scheduled", "queued", "sending", "sent": .sent
        case "delivered": .delivered
        case "read": .read
        case "undelivered", "failed", "canceled": .failed
        default: nil
        }
    }

    /// - Parameters:
    ///   - target: the request's path and query, as received.
    public func handle(target: String, body: Data, signature: String?) -> CallbackAnswer {
        let endpoint = "status"
        func reject(_ status: Int, _ result: String, _ reason: String) -> CallbackAnswer {
            TwilioMetrics.callback(endpoint, result)
            return .rejected(status, reason)
        }
        guard let pairs = FormBody.decode(body) else { return reject(400, "malformed", "the body is not a form") }
        let form = FormBody.fields(pairs)
        let query = FormBody.fields(FormBody.decode(Data((target.split(separator: "?", maxSplits: 1).dropFirst().first ?? "").utf8)) ?? [])
        guard let tenant = query["tenant"], let dispatchId = query["dispatch"], let channel = query["channel"] else {
            return reject(403, "unknown", "not a status callback of this gateway")
        }
        let config = runtime.config.current
        guard config.tenant(id: tenant) != nil, case .success(let account) = TwilioAccount.resolve(tenant: tenant, config: config, environment: environment)
        else { return reject(403, "unknown", "no Twilio account for this callback") }
        guard let signature, let url = TwilioRequestURL.full(publicBaseURL: config.http.publicBaseURL, target: target),
              TwilioSignature(authToken: account.authToken).verify(url: url, parameters: pairs, signature: signature) else {
            return reject(403, "forged", "the X-Twilio-Signature does not match")
        }
        guard form["AccountSid"].map({ $0 == account.accountSid }) ?? true else {
            return reject(403, "forged", "the AccountSid is not this tenant's account")
        }
        guard let sid = form["MessageSid"] ?? form["SmsSid"], let twilioStatus = form["MessageStatus"] ?? form["SmsStatus"] else {
            return reject(400, "malformed", "MessageSid and MessageStatus are required")
        }
        guard let status = Self.receiptStatus(twilioStatus) else {
            TwilioMetrics.callback(endpoint, "ignored")
            return .accepted
        }
        do {
            guard let delivery = try runtime.store.read({ try GatewayRecords.delivery($0, dispatchId: dispatchId, tenant: tenant) }) else {
                return reject(403, "unknown", "no such message of this tenant")
            }
            let dispatch = delivery.dispatch
            let errorCode = form["ErrorCode"].flatMap { $0.isEmpty ? nil : $0 }
            var receipt = DeliveryReceipt(dispatchId: dispatchId, alertId: dispatch.alert.id, channel: dispatch.channel, status: status,
                                          attempt: max(delivery.attempts, 1),
                                          error: status == .failed ? "\(channel) \(twilioStatus)\(errorCode.map { " (Twilio error \($0))" } ?? "")" : nil,
                                          providerRef: sid, recipient: dispatch.recipient)
            var fallbackJob: GatewayJob?
            let now = Date()
            var fallback: DispatchRequest?
            if status == .failed, channel == TwilioProvider.whatsappChannel, dispatch.channel == TwilioProvider.whatsappChannel,
               account.fallbackToSMS, account.smsFrom != nil, let number = PhoneNumber(dispatch.recipient.address) {
                var sms = dispatch
                sms.dispatchId = MessageID.derived(dispatchId, "sms-fallback")
                sms.channel = TwilioProvider.smsChannel
                sms.recipient.address = number.e164
                fallback = sms
                // Recorded, not failed: the alert goes on by SMS, so the router's failover is not started as well.
                receipt.status = .sent
                receipt.error = "\(receipt.error ?? "whatsapp failed"); sent by SMS instead (dispatch \(sms.dispatchId))"
            }
            let envelope = Envelope(id: MessageID.derived(dispatchId, "twilio-status", sid, twilioStatus), source: runtime.source,
                                    tenant: tenant, time: now, data: DeliveryReceipts(receipts: [receipt]))
            try runtime.publish([(runtime.topics.receipts(tenant: tenant), try envelope.encoded())]) { db in
                if let fallback { fallbackJob = try intake.store(db, fallback, tenant: tenant, source: runtime.source, at: now) }
            }
            if let fallbackJob {
                TwilioMetrics.fallbacks.increment()
                runtime.logger.notice("whatsapp dispatch \(dispatchId) of tenant \(tenant) \(twilioStatus): sending it by SMS as \(fallbackJob.dispatchId)")
                intake.queue([fallbackJob])
            }
            TwilioMetrics.callback(endpoint, "accepted")
            return .accepted
        } catch {
            runtime.logger.error("could not record a status callback, Twilio will try again: \(error)")
            TwilioMetrics.callback(endpoint, "error")
            return .rejected(503, "could not record it now")
        }
    }
}

enum TwilioRequestURL {
    /// The URL Twilio signed: the public base URL (what Twilio called, whatever proxies are in between) and the path
    /// and query as received.
    static func full(publicBaseURL: String?, target: String) -> String? {
        guard let base = publicBaseURL, !base.isEmpty else { return nil }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + target
    }
}
