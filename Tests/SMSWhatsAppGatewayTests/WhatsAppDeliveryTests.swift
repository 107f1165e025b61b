// WhatsApp: free text inside the 24 h session window (opened by the recipient's last message), the approved template
// outside it, and SMS when WhatsApp cannot deliver, whether Twilio refuses at once or reports it later.
import Contracts
import Foundation
import GatewayKit
import SMSWhatsAppGateway
import Synchronization
import Testing
import TestSupport

final class TestClock: Sendable {
    let offset = Mutex<Double>(0)
    func advance(_ seconds: Double) { offset.withLock { $0 += seconds } }
    var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
}

@Suite struct WhatsAppDeliveryTests {
    static func whatsapp(_ id: String, to: String = "+15551230003") -> DispatchRequest {
        sampleDispatch(channel: "whatsapp", address: to, dispatchId: id, user: "carol")
    }

    @Test(.timeLimit(.minutes(2)))
    func templateOutsideTheWindowFreeTextInsideIt() async throws {
        let clock = TestClock()
        let bed = try await TwilioGatewayTestbed.start("whatsapp-window", clock: { clock.now })
        // Never written to us: the approved template, with its variables.
        try bed.dispatch(Self.whatsapp("w-1"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("w-1", .sent)
        let first = try #require(bed.twilio.sent.last)
        #expect(first.to == "whatsapp:+15551230003" && first.from == "whatsapp:+14155238886")
        #expect(first.form["ContentSid"] == "HXtemplate0001" && first.form["Body"] == nil)
        let variables = try #require(try JSONSerialization.jsonObject(with: Data((first.form["ContentVariables"] ?? "").utf8)) as? [String: String])
        #expect(variables["1"] == "CRITICAL" && variables["2"] == "Press 4 stopped" && variables["3"] == "a1b2")
        #expect(first.form["StatusCallback"]?.hasSuffix("channel=whatsapp") == true)

        // Carol writes: the window opens, she gets free text (and a help reply, since "hi" is no command).
        let reply = await bed.reply(from: "whatsapp:+15551230003", body: "hi", to: "whatsapp:+14155238886")
        #expect(reply.status == 200 && reply.body.contains("<Response><Message>Reply ACK"))
        clock.advance(23 * 3_600)
        try bed.dispatch(Self.whatsapp("w-2"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("w-2", .sent)
        let second = try #require(bed.twilio.sent.last)
        #expect(second.form["ContentSid"] == nil && second.form["Body"]?.hasPrefix("CRITICAL: Press 4 stopped") == true)
        #expect(second.form["Body"]?.contains("Reply ACK a1b2") == true)

        // 24 h after her message the window is closed again.
        clock.advance(1.5 * 3_600)
        try bed.dispatch(Self.whatsapp("w-3"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("w-3", .sent)
        #expect(bed.twilio.sent.last?.form["ContentSid"] == "HXtemplate0001")
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func whatsAppRefusedAtOnceFallsBackToSMS() async throws {
        let bed = try await TwilioGatewayTestbed.start("whatsapp-fallback-now")
        bed.twilio.answer { form in
            form["To"] == "whatsapp:+15551230003"
                ? .error(status: 400, code: 63003, message: "Channel could not find To address") : .accept
        }
        try bed.dispatch(Self.whatsapp("w-refused"))
        try await bed.publisher.flush()
        let receipt = try await bed.waitForReceipt("w-refused", .sent)
        let messages = bed.twilio.messages
        #expect(messages.count == 2, "the WhatsApp attempt and the SMS, both recorded")
        #expect(messages[0].to == "whatsapp:+15551230003" && messages[0].sid == nil)
        #expect(messages[1].to == "+15551230003" && messages[1].from == "+15005550006" && messages[1].sid != nil)
        #expect(messages[1].form["Body"]?.hasPrefix("CRITICAL: Press 4 stopped") == true)
        #expect(messages[1].form["StatusCallback"]?.hasSuffix("dispatch=w-refused&channel=sms") == true)
        #expect(receipt.providerRef == messages[1].sid && receipt.channel == "whatsapp")
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func whatsAppUndeliveredLaterFallsBackToSMSOnce() async throws {
        let bed = try await TwilioGatewayTestbed.start("whatsapp-fallback-later")
        try bed.dispatch(Self.whatsapp("w-later"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("w-later", .sent)
        let whatsapp = try #require(bed.twilio.sent.first)
        #expect(await bed.callback(whatsapp, "undelivered", errorCode: 63016).status == 200)
        // Twilio repeats the callback: still one SMS.
        #expect(await bed.callback(whatsapp, "undelivered", errorCode: 63016).status == 200)
        let fallbackID = MessageID.derived("w-later", "sms-fallback")
        let smsReceipt = try await bed.waitForReceipt(fallbackID, .sent)
        #expect(smsReceipt.channel == "sms")
        let sms = try #require(bed.twilio.sent.first { $0.to == "+15551230003" })
        #expect(sms.from == "+15005550006" && smsReceipt.providerRef == sms.sid)
        // The WhatsApp dispatch's receipt says what happened, without failing it (the router starts no failover).
        let recorded = bed.receipts(of: "w-later").last { $0.error != nil }
        #expect(recorded?.status == .sent && recorded?.error?.contains("63016") == true && recorded?.error?.contains("SMS") == true)
        try bed.dispatch(Self.whatsapp("w-barrier", to: "+15551230099"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("w-barrier", .sent)
        #expect(bed.twilio.sent.filter { $0.to == "+15551230003" }.count == 1)
        // The SMS's own callbacks report on the fallback dispatch, and never fall back again.
        #expect(await bed.callback(sms, "delivered").status == 200)
        _ = try await bed.waitForReceipt(fallbackID, .delivered)
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func withoutATemplateOutsideTheWindowTheAlertGoesBySMS() async throws {
        let bed = try await TwilioGatewayTestbed.start("whatsapp-no-template", template: false)
        try bed.dispatch(Self.whatsapp("w-no-template"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("w-no-template", .sent)
        #expect(bed.twilio.messages.count == 1)
        #expect(bed.twilio.messages.first?.to == "+15551230003", "no WhatsApp free text outside the window: SMS instead")
        await bed.stop()
    }
}
