// SMS through the Messages API over a real broker: the request Twilio gets, receipts from the answer and from signed
// status callbacks, retries on 429/5xx, a failed receipt and a dead letter for what cannot be sent, per-tenant accounts.
import Config
import Contracts
import Foundation
import GatewayKit
import SMSWhatsAppGateway
import Store
import Testing
import TestSupport

@Suite struct TwilioDeliveryTests {
    @Test(.timeLimit(.minutes(2)))
    func smsIsSentAndItsStatusCallbacksBecomeReceipts() async throws {
        let bed = try await TwilioGatewayTestbed.start("twilio-sms")
        try bed.dispatch(sampleDispatch(dispatchId: "d-sms"))
        try await bed.publisher.flush()
        let sent = try await bed.waitForReceipt("d-sms", .sent)
        let message = try #require(bed.twilio.sent.first)
        #expect(message.accountSid == "ACglobal0000")
        #expect(message.authorization == "Basic " + Data("ACglobal0000:global-token".utf8).base64EncodedString())
        #expect(message.to == "+15551230002" && message.from == "+15005550006")
        #expect(message.form["Body"]?.hasPrefix("CRITICAL: Press 4 stopped") == true)
        #expect(message.form["StatusCallback"] == "https://alerts.test.example/twilio/status?tenant=acme&dispatch=d-sms&channel=sms")
        #expect(sent.providerRef == message.sid && sent.channel == "sms" && sent.attempt == 1)

        // Twilio reports: sent, then delivered; a repeat of a callback is answered and changes nothing more.
        #expect(await bed.callback(message, "sent").status == 200)
        #expect(await bed.callback(message, "delivered").status == 200)
        let delivered = try await bed.waitForReceipt("d-sms", .delivered)
        #expect(delivered.providerRef == message.sid && delivered.recipient?.user == "bob")
        // Redelivered by the broker, the dispatch is not sent again.
        try bed.dispatch(sampleDispatch(dispatchId: "d-sms"))
        try bed.dispatch(sampleDispatch(dispatchId: "d-barrier"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-barrier", .sent)
        #expect(bed.twilio.sent.filter { $0.form["StatusCallback"]?.contains("dispatch=d-sms&") == true }.count == 1)

        // Undelivered: a failed receipt with Twilio's error code.
        #expect(await bed.callback(message, "undelivered", errorCode: 30003).status == 200)
        let failed = try await bed.waitForReceipt("d-sms", .failed)
        #expect(failed.error?.contains("30003") == true)
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aBadNumberFailsAtOnceAndRefusalsAndThrottlingAreHandled() async throws {
        let bed = try await TwilioGatewayTestbed.start("twilio-failures")
        let throttled = Tally()
        bed.twilio.answer { form in
            switch form["To"] {
            case "+15550000400": .error(status: 400, code: 21211, message: "The 'To' number +15550000400 is not a valid phone number.")
            case "+15550000500": .error(status: 500, code: 20500, message: "Internal Server Error")
            case "+15550000429": throttled.next() <= 2 ? .throttle(retryAfter: 0) : .accept
            default: .accept
            }
        }
        try bed.dispatch(sampleDispatch(address: "555-1234", dispatchId: "d-national"))
        try bed.dispatch(sampleDispatch(address: "+15550000400", dispatchId: "d-invalid"))
        try bed.dispatch(sampleDispatch(address: "+15550000500", dispatchId: "d-down"))
        try bed.dispatch(sampleDispatch(address: "+15550000429", dispatchId: "d-throttled"))
        try await bed.publisher.flush()

        let national = try await bed.waitForReceipt("d-national", .failed)
        #expect(national.error?.contains("E.164") == true && national.attempt == 1)
        let invalid = try await bed.waitForReceipt("d-invalid", .failed)
        #expect(invalid.error?.contains("21211") == true && invalid.httpStatus == 400 && invalid.attempt == 1)
        let down = try await bed.waitForReceipt("d-down", .failed)
        #expect(down.attempt == 3 && down.error?.contains("gave up after 3 attempts") == true)
        let throttledReceipt = try await bed.waitForReceipt("d-throttled", .sent)
        #expect(throttledReceipt.attempt == 3)
        #expect(!bed.twilio.messages.contains { $0.to == "555-1234" }, "a bad number is never sent to Twilio")
        // Each failure is a dead letter, the dispatch as it arrived.
        #expect(try bed.gateway.runtime.store.read { try DeadLetters.count($0) } == 3)
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aTenantsOwnAccountSendsItsMessagesAndVerifiesItsCallbacks() async throws {
        let bed = try await TwilioGatewayTestbed.start("twilio-tenant")
        try bed.dispatch(sampleDispatch(address: "+15559870001", dispatchId: "d-globex", user: "gina"), tenant: "globex")
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-globex", .sent)
        let message = try #require(bed.twilio.sent.first)
        #expect(message.accountSid == "ACglobex0000" && message.from == "+15005550099")
        #expect(message.authorization == "Basic " + Data("ACglobex0000:globex-token".utf8).base64EncodedString())
        // Signed with the global account's token, the callback about globex's message is refused.
        #expect(await bed.callback(message, "delivered", token: "global-token").status == 403)
        #expect(await bed.callback(message, "delivered", token: "globex-token").status == 200)
        let delivered = try await bed.waitForReceipt("d-globex", .delivered)
        #expect(delivered.providerRef == message.sid)
        #expect(bed.allReceipts.filter { $0.status == .delivered }.count == 1)
        await bed.stop()
    }
}

@Suite struct TwilioRestartTests {
    @Test(.timeLimit(.minutes(2)))
    func aDispatchIsSentOnceAcrossARestartAndItsCallbacksStillCount() async throws {
        let bed = try await TwilioGatewayTestbed.start("twilio-restart")
        try bed.dispatch(sampleDispatch(dispatchId: "d-once"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-once", .sent)
        await bed.gateway.stop()

        let again = try await TwilioGatewayTestbed.startGateway(config: bed.directory.appendingPathComponent("alerting.yaml"),
                                                                directory: bed.directory, broker: bed.broker)
        // The broker delivers it again (a publisher's re-publish after its crash, say): it was sent, so it is not sent again.
        try bed.dispatch(sampleDispatch(dispatchId: "d-once"))
        try bed.dispatch(sampleDispatch(dispatchId: "d-after"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-after", .sent)
        #expect(bed.twilio.sent.filter { $0.form["StatusCallback"]?.contains("dispatch=d-once&") == true }.count == 1)
        // The restarted gateway still knows the first message: Twilio's callback about it becomes a receipt.
        let first = try #require(bed.twilio.sent.first)
        let answer = await bed.twilio.statusCallback(first, status: "delivered", gateway: "http://127.0.0.1:\(again.runtime.httpPort ?? 0)",
                                                     authToken: "global-token", publicBaseURL: TwilioGatewayTestbed.publicBaseURL)
        #expect(answer.status == 200)
        _ = try await bed.waitForReceipt("d-once", .delivered)
        await again.stop()
        await bed.stop()
    }
}

/// A thread-safe count for scripted answers.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

@Suite struct TwilioTestSendTests {
    @Test(.timeLimit(.minutes(1)))
    func aTestSendIsOneAttemptWithTheTenantsAccount() async throws {
        let twilio = try await FakeTwilio.start { TwilioSignature(authToken: $0).sign(url: $1, parameters: $2) }
        let config = try ConfigLoader.parse(yaml: TwilioGatewayTestbed.config(apiURL: twilio.url))
        let provider = TwilioProvider(environment: TwilioGatewayTestbed.environment, timeout: 5)
        // The blocking client on a thread of its own.
        let receipt = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: GatewayTestSend.attempt(provider, dispatch: TwilioTestMessage.dispatch(tenant: "globex", to: "+15559870001",
                                                                                                                 channel: "sms"),
                                                                       tenant: "globex", config: config))
            }
        }
        #expect(receipt.status == .sent && receipt.providerRef?.hasPrefix("SM") == true)
        #expect(twilio.sent.first?.accountSid == "ACglobex0000" && twilio.sent.first?.form["Body"]?.hasPrefix("INFO: Test message") == true)
        let bad = GatewayTestSend.attempt(provider, dispatch: TwilioTestMessage.dispatch(tenant: "globex", to: "0555", channel: "sms"),
                                          tenant: "globex", config: config)
        #expect(bad.status == .failed && bad.error?.contains("E.164") == true)
        twilio.stop()
    }
}
