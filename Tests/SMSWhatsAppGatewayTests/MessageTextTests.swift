// E.164 numbers, form bodies, the SMS segment budget and the reply commands.
import Contracts
import Foundation
import SMSWhatsAppGateway
import Testing

func sampleDispatch(channel: String = "sms", summary: String = "Press 4 stopped", kind: DispatchRequest.Kind = .notify,
                    event: AlertEvent.Kind = .triggered, address: String = "+15551230002", alertId: String = "18c0000000-00000000a1b2",
                    dispatchId: String = "d-1", user: String = "bob", actionURL: String? = "https://alerts.example.test/a/tok") -> DispatchRequest {
    let alert = Alert(id: alertId, tenant: "acme", dedupKey: "k", severity: .critical, summary: summary, createdAt: Date())
    return DispatchRequest(dispatchId: dispatchId, kind: kind, event: event, channel: channel,
                           recipient: Recipient(kind: .user, user: user, address: address),
                           title: kind == .notify ? "[CRITICAL] \(summary)" : "Acknowledged by alice: \(summary)", body: summary,
                           severity: .critical, actions: actionURL.map { [ActionLink(action: .acknowledge, token: "tok", url: $0)] } ?? [],
                           alert: alert)
}

@Suite struct MessageTextTests {
    @Test func e164Numbers() {
        #expect(PhoneNumber("+15551230001")?.e164 == "+15551230001")
        #expect(PhoneNumber("whatsapp:+15551230001")?.e164 == "+15551230001")
        #expect(PhoneNumber("+15551230001")?.address(whatsapp: true) == "whatsapp:+15551230001")
        for bad in ["15551230001", "+1 555 123 0001", "+1555-123-0001", "+0555123000", "+123456", "+1234567890123456", "", "+", "bob"] {
            #expect(PhoneNumber(bad) == nil, "\(bad)")
        }
    }

    @Test func formBodiesRoundTrip() throws {
        let pairs = [("Body", "ACK 3f2a & more+stuff é"), ("From", "whatsapp:+15551230001"), ("Empty", "")]
        let decoded = try #require(FormBody.decode(FormBody.encode(pairs)))
        #expect(decoded.map(\.0) == pairs.map(\.0))
        #expect(decoded.map(\.1) == pairs.map(\.1))
        #expect(FormBody.decode(Data("a=b+c&d=%20e".utf8))?.map(\.1) == ["b c", " e"])
        #expect(FormBody.decode(Data("a=%zz".utf8)) == nil)
        #expect(FormBody.decode(Data([0xff, 0xfe])) == nil)
    }

    @Test func smsCarriesSeveritySummaryLinkAndHowToAnswer() {
        let text = TwilioText.sms(sampleDispatch())
        #expect(text == "CRITICAL: Press 4 stopped\nhttps://alerts.example.test/a/tok\nReply ACK a1b2, RESOLVE a1b2 or ESC a1b2 <reason>")
    }

    @Test func aLongSummaryIsCutToTwoSegments() {
        let text = TwilioText.sms(sampleDispatch(summary: String(repeating: "Boiler pressure too high ", count: 40)))
        #expect(text.count <= 306)
        #expect(text.hasSuffix("Reply ACK a1b2, RESOLVE a1b2 or ESC a1b2 <reason>"))
        #expect(text.contains("...\n"))
        // Outside GSM-7 (UCS-2): 2 × 67 units.
        let unicode = TwilioText.sms(sampleDispatch(summary: String(repeating: "Kesselüberdruck 🔥 ", count: 20)))
        #expect(unicode.utf16.count <= 134)
        #expect(unicode.contains("Reply ACK a1b2"))
    }

    @Test func aLongActionLinkIsLeftOut() {
        let text = TwilioText.sms(sampleDispatch(actionURL: "https://alerts.example.test/a/" + String(repeating: "x", count: 200)))
        #expect(!text.contains("https://"))
    }

    @Test func templateVariables() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(TwilioText.templateVariables(sampleDispatch()).utf8)) as? [String: String])
        #expect(json == ["1": "CRITICAL", "2": "Press 4 stopped", "3": "a1b2", "4": "https://alerts.example.test/a/tok"])
        let update = try #require(try JSONSerialization.jsonObject(with: Data(TwilioText.templateVariables(
            sampleDispatch(kind: .update, event: .acknowledged)).utf8)) as? [String: String])
        #expect(update["1"] == "ACKNOWLEDGED")
    }

    @Test func replies() {
        #expect(ReplyCommand.parse("ACK") == ReplyCommand(action: .acknowledge))
        #expect(ReplyCommand.parse(" ack ") == ReplyCommand(action: .acknowledge))
        #expect(ReplyCommand.parse("1") == ReplyCommand(action: .acknowledge))
        #expect(ReplyCommand.parse("Ack A1B2") == ReplyCommand(action: .acknowledge, reference: "a1b2"))
        #expect(ReplyCommand.parse("resolve") == ReplyCommand(action: .resolve))
        #expect(ReplyCommand.parse("RESOLVE a1b2") == ReplyCommand(action: .resolve, reference: "a1b2"))
        #expect(ReplyCommand.parse("esc nobody on site") == ReplyCommand(action: .escalate, reason: "nobody on site"))
        #expect(ReplyCommand.parse("ESC a1b2 nobody on site") == ReplyCommand(action: .escalate, reference: "a1b2", reason: "nobody on site"))
        #expect(ReplyCommand.parse("ESC dead pump") == ReplyCommand(action: .escalate, reason: "dead pump"))
        #expect(ReplyCommand.parse("ESC") == nil)
        #expect(ReplyCommand.parse("ESC a1b2") == nil)
        #expect(ReplyCommand.parse("ACK please") == nil)
        #expect(ReplyCommand.parse("hello") == nil)
        #expect(ReplyCommand.parse("") == nil)
    }
}
