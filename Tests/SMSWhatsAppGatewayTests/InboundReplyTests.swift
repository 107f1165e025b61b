// Replies by SMS and WhatsApp: ACK, 1, RESOLVE and ESC <reason> from a known number become acks on the bus with `by`
// the number's user; several open alerts need a reference; anything else gets help; forged or unknown requests get 403.
import Contracts
import Foundation
import SMSWhatsAppGateway
import Testing
import TestSupport

@Suite struct InboundReplyTests {
    @Test(.timeLimit(.minutes(2)))
    func repliesAcknowledgeResolveAndEscalate() async throws {
        let bed = try await TwilioGatewayTestbed.start("twilio-replies")
        try bed.dispatch(sampleDispatch(alertId: "18c0000000-0000000011aa", dispatchId: "d-first"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-first", .sent)

        // One open alert: a bare ACK names it.
        let ack = await bed.reply(from: "+15551230002", body: "ack", messageSid: "SMreply1")
        #expect(ack.status == 200 && ack.body.contains("<Message>Acknowledged: Press 4 stopped (ref 11aa).</Message>"))
        try await bed.acks.wait(timeout: 10, "the ack") { _ in bed.allAcks.count == 1 }
        let first = try #require(bed.allAcks.first)
        #expect(first.topic == "alerting/ack/acme/18c0000000-0000000011aa")
        #expect(first.command.action == .acknowledge && first.command.by == "bob" && first.command.via == "sms" && first.command.id == "twilio-SMreply1")

        // Two open alerts: a bare reply is answered with the references, nothing is published.
        try bed.dispatch(sampleDispatch(summary: "Boiler cold", alertId: "18c0000000-0000000022bb", dispatchId: "d-second"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-second", .sent)
        let ambiguous = await bed.reply(from: "+15551230002", body: "1")
        #expect(ambiguous.status == 200 && ambiguous.body.contains("You have 2 open alerts") && ambiguous.body.contains("22bb")
                && ambiguous.body.contains("11aa"))
        let resolve = await bed.reply(from: "+15551230002", body: "RESOLVE 22BB")
        #expect(resolve.body.contains("Resolved: Boiler cold (ref 22bb)."))
        let escalate = await bed.reply(from: "+15551230002", body: "esc 11aa nobody on site")
        #expect(escalate.body.contains("Escalated: Press 4 stopped"))
        // Resolved by reply, the second alert is no longer open: a bare ACK names the first again.
        let again = await bed.reply(from: "+15551230002", body: "ACK")
        #expect(again.body.contains("Acknowledged: Press 4 stopped"))
        try await bed.acks.wait(timeout: 10, "four acks") { _ in bed.allAcks.count == 4 }
        let commands = bed.allAcks.map(\.command)
        #expect(commands[1].action == .resolve && bed.allAcks[1].topic.hasSuffix("/18c0000000-0000000022bb"))
        #expect(commands[2].action == .escalate && commands[2].reason == "nobody on site" && bed.allAcks[2].topic.hasSuffix("/18c0000000-0000000011aa"))
        #expect(commands.allSatisfy { $0.by == "bob" })

        let help = await bed.reply(from: "+15551230002", body: "what is this?")
        #expect(help.status == 200 && help.body.contains("Reply ACK, RESOLVE or ESC"))
        let unknownRef = await bed.reply(from: "+15551230002", body: "ACK 9999")
        #expect(unknownRef.body.contains("No alert 9999"))
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func forgedUnknownAndMalformedRequestsAreRefused() async throws {
        let bed = try await TwilioGatewayTestbed.start("twilio-forged")
        try bed.dispatch(sampleDispatch(dispatchId: "d-1"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-1", .sent)
        let message = try #require(bed.twilio.sent.first)
        let status = bed.gatewayURL + "/twilio/status?tenant=acme&dispatch=d-1&channel=sms"
        let pairs = [("MessageSid", message.sid!), ("MessageStatus", "delivered"), ("AccountSid", "ACglobal0000")]
        let signedURL = TwilioGatewayTestbed.publicBaseURL + "/twilio/status?tenant=acme&dispatch=d-1&channel=sms"
        func post(_ url: String, _ pairs: [(String, String)], signature: String?) async -> Int {
            await bed.twilio.post(url, body: FakeTwilio.encode(pairs), signature: signature).status
        }
        let good = bed.twilio.signature(authToken: "global-token", url: signedURL, pairs: pairs)
        #expect(await post(status, pairs, signature: nil) == 403, "unsigned")
        #expect(await post(status, pairs, signature: "AAAA" + good.dropFirst(4)) == 403, "forged signature")
        #expect(await post(status, pairs, signature: bed.twilio.signature(authToken: "wrong", url: signedURL, pairs: pairs)) == 403)
        // Signed for the gateway's local address rather than the public URL Twilio was given.
        #expect(await post(status, pairs, signature: bed.twilio.signature(authToken: "global-token", url: status, pairs: pairs)) == 403)
        var changed = pairs
        changed[1].1 = "failed"
        #expect(await post(status, changed, signature: good) == 403, "a parameter changed after signing")
        let otherDispatch = TwilioGatewayTestbed.publicBaseURL + "/twilio/status?tenant=acme&dispatch=nope&channel=sms"
        #expect(await post(bed.gatewayURL + "/twilio/status?tenant=acme&dispatch=nope&channel=sms", pairs,
                           signature: bed.twilio.signature(authToken: "global-token", url: otherDispatch, pairs: pairs)) == 403, "unknown message")
        #expect(await post(bed.gatewayURL + "/twilio/status", pairs, signature: good) == 403, "no query")
        #expect(await bed.twilio.post(status, body: Data("a=%zz".utf8), signature: good).status == 400, "malformed form")
        #expect(await bed.twilio.post(status, body: Data(repeating: 0x61, count: 100_000), signature: good).status == 413)

        // Inbound: an unknown number, a number no tenant sends from, a forged signature.
        #expect(await bed.reply(from: "+15550009999", body: "ACK").status == 403)
        #expect(await bed.reply(from: "+15551230002", body: "ACK", to: "+15005550077").status == 403)
        #expect(await bed.reply(from: "+15551230002", body: "ACK", token: "wrong").status == 403)
        #expect(await bed.reply(from: "+15551230002", body: "ACK", accountSid: "ACsomeoneelse").status == 403)
        #expect(await bed.twilio.post(bed.gatewayURL + "/twilio/inbound", body: FakeTwilio.encode([("Body", "ACK")]), signature: good).status == 400)

        // The barrier: a good callback's receipt is the only one after the first `sent`, and no ack was published.
        #expect(await post(status, pairs, signature: good) == 200)
        _ = try await bed.waitForReceipt("d-1", .delivered)
        #expect(bed.allReceipts.map(\.status) == [.sent, .delivered])
        #expect(bed.allAcks.isEmpty)
        let metrics = await HTTPProbe.get(bed.gatewayURL + "/metrics").body
        #expect(metrics.contains(#"alerting_twilio_callbacks_total{endpoint="status",result="forged"}"#))
        #expect(metrics.contains(#"alerting_twilio_callbacks_total{endpoint="inbound",result="unknown"}"#))
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func garbageIsRefusedOneRequestAtATimeAndTheGatewayGoesOn() async throws {
        let bed = try await TwilioGatewayTestbed.start("twilio-fuzz")
        var state: UInt64 = 0x5eed_2026
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let names = ["From", "To", "Body", "AccountSid", "MessageSid", "MessageStatus", "ErrorCode", "x", "", "%", "From[]"]
        let values = ["+15551230002", "+15005550006", "whatsapp:+15551230003", "ACK", "ACglobal0000", "delivered", "%zz", "", "+", "💥",
                      String(repeating: "9", count: 300), "whatsapp:", "tenant=acme&dispatch=x"]
        let paths = ["/twilio/inbound", "/twilio/status", "/twilio/status?tenant=acme&dispatch=d-1&channel=sms", "/twilio/status?tenant=acme"]
        for round in 0..<120 {
            let body: Data
            if round % 4 == 0 {
                body = Data((0..<next(200)).map { _ in UInt8(truncatingIfNeeded: next(256)) })
            } else {
                body = FakeTwilio.encode((0..<next(8)).map { _ in (names[next(names.count)], values[next(values.count)]) })
            }
            let signature = round % 3 == 0 ? nil : String((0..<28).map { _ in "ABCDEFabcdef0123456789+/="[String.Index(utf16Offset: next(25), in: "ABCDEFabcdef0123456789+/=")] })
            let answer = await bed.twilio.post(bed.gatewayURL + paths[next(paths.count)], body: body, signature: signature)
            #expect(answer.status == 400 || answer.status == 403, "round \(round): \(answer)")
        }
        #expect(await HTTPProbe.get(bed.gatewayURL + "/healthz").status == 200)
        try bed.dispatch(sampleDispatch(dispatchId: "d-after-fuzz"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-after-fuzz", .sent)
        #expect(bed.allAcks.isEmpty)
        #expect(bed.allReceipts.map(\.dispatchId) == ["d-after-fuzz"])
        await bed.stop()
    }
}
