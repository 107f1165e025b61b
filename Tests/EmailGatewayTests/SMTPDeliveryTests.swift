// E-mail over a real local SMTP server: the mail as the server gets it, threading of updates, retries on 4xx, bounces
// at RCPT, bad addresses, per-tenant senders and credentials.
import Contracts
import EmailGateway
import Foundation
import GatewayKit
import Harness
import Store
import Testing
import TestSupport

@Suite struct SMTPDeliveryTests {
    @Test(.timeLimit(.minutes(2)))
    func aMultipartMailWithExactHeadersAndThreadedUpdates() async throws {
        let bed = try await EmailGatewayTestbed.start("email-mail", auth: ("mailer", "s3cret:pw"),
                                                      smtpURL: { $0.url(user: "mailer", password: "s3cret%3Apw") })
        try bed.dispatch(emailDispatch(dispatchId: "d-first"))
        try await bed.publisher.flush()
        let sent = try await bed.waitForReceipt("d-first", .sent)
        let mail = try #require(bed.smtp.mails.first)
        #expect(mail.mailFrom == "alerts@example.test" && mail.rcptTos == ["bob@acme.example.test"] && mail.auth == "mailer")
        #expect(mail.headerNames == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Auto-Submitted",
                                     "X-Alerting-Tenant", "X-Alerting-Alert"])
        #expect(mail.header("From") == "Acme Alerts <alerts@example.test>")
        #expect(mail.header("To") == "Bob Lead <bob@acme.example.test>")
        #expect(mail.header("Subject") == "[CRITICAL] Press 4 stopped")
        #expect(mail.header("Content-Type")?.hasPrefix("multipart/alternative; boundary=") == true)
        #expect(mail.header("Auto-Submitted") == "auto-generated" && mail.header("X-Alerting-Tenant") == "acme")
        let firstID = try #require(mail.messageID)
        #expect(firstID == MessageIDs(dispatch: emailDispatch(), domain: "example.test").messageID)
        #expect(sent.providerRef == firstID && sent.attempt == 1 && sent.recipient?.user == "bob")
        #expect(mail.parts.map(\.type) == ["text/plain", "text/html"])
        // The parts' lines end in CRLF, as MIME wants.
        let text = try #require(mail.part("text/plain")).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.hasPrefix("[CRITICAL] Press 4 stopped\n\nPress 4 stopped\n\nSeverity: CRITICAL\nSummary: Press 4 stopped\nService: press-line\nSource: plc-7\n"))
        #expect(text.contains("Acknowledge: https://alerts.example.test/a/tok-ack\nResolve: https://alerts.example.test/a/tok-res"))
        let html = try #require(mail.part("text/html"))
        #expect(html.contains("<h2 style=\"color:#b60205\">[CRITICAL] Press 4 stopped</h2>"))
        #expect(html.contains("<li><a href=\"https://example.test/p4\">Panel</a></li>"))
        #expect(html.contains("<a href=\"https://alerts.example.test/a/tok-ack\"") && html.contains(">Resolve</a>"))

        // The acknowledgement and the resolution thread under it: with the router's reference and without.
        try bed.dispatch(emailDispatch(dispatchId: "d-ack", kind: .update, event: .acknowledged, providerRef: firstID))
        try bed.dispatch(emailDispatch(dispatchId: "d-resolved", kind: .update, event: .resolved))
        try await bed.publisher.flush()
        let ack = try await bed.waitForReceipt("d-ack", .sent)
        let resolved = try await bed.waitForReceipt("d-resolved", .sent)
        let updates = try await bed.smtp.waitForMails(3).dropFirst()
        #expect(Set(updates.compactMap(\.messageID)) == Set([ack.providerRef, resolved.providerRef].compactMap { $0 }))
        for update in updates {
            #expect(update.messageID != firstID)
            #expect(update.header("In-Reply-To") == firstID && update.header("References") == firstID)
            #expect(update.header("Subject") == "Re: [CRITICAL] Press 4 stopped")
        }
        let resolvedMail = try #require(updates.first { $0.messageID == resolved.providerRef })
        #expect(resolvedMail.part("text/plain")?.contains("Acknowledge:") == false)

        // Redelivered by the broker, a dispatch is not mailed again.
        try bed.dispatch(emailDispatch(dispatchId: "d-first"))
        try bed.dispatch(emailDispatch(dispatchId: "d-barrier", address: "carol@acme.example.test", user: "carol", name: nil))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-barrier", .sent)
        #expect(bed.smtp.mails.filter { $0.messageID == firstID }.count == 1)
        #expect(bed.smtp.mails(to: "carol@acme.example.test").first?.header("To") == "carol@acme.example.test")
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func temporaryRepliesAreRetriedAndTheMailGoesOnce() async throws {
        let bed = try await EmailGatewayTestbed.start("email-retry", rules: [
            SMTPRecorder.Rule(stage: "mail", code: 421, text: "4.3.2 Service not available, closing", times: 1),
            SMTPRecorder.Rule(stage: "rcpt", match: "bob@", code: 451, text: "4.7.1 Greylisted, try again", times: 1),
            SMTPRecorder.Rule(stage: "data", match: "bob@", code: 451, text: "4.3.0 Queue full", times: 1),
        ])
        try bed.dispatch(emailDispatch(dispatchId: "d-retried"))
        try await bed.publisher.flush()
        let sent = try await bed.waitForReceipt("d-retried", .sent)
        #expect(sent.attempt == 4)
        #expect(bed.smtp.mails(to: "bob@acme.example.test").count == 1)
        #expect(bed.receipts(of: "d-retried").map(\.status) == [.sent])
        // What a server keeps refusing for a while fails after the last attempt, with its reply.
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aHardBounceAtRCPTIsBouncedAndABadAddressFails() async throws {
        let bed = try await EmailGatewayTestbed.start("email-bounce", rules: [
            SMTPRecorder.Rule(stage: "rcpt", match: "nobody@", code: 550, text: "5.1.1 <nobody@acme.example.test>: Recipient address rejected: User unknown", times: 5),
            SMTPRecorder.Rule(stage: "rcpt", match: "busy@", code: 452, text: "4.2.2 Mailbox full", times: 100),
            SMTPRecorder.Rule(stage: "data", match: "spam@", code: 554, text: "5.7.1 Message rejected as spam", times: 5),
        ])
        try bed.dispatch(emailDispatch(dispatchId: "d-bounce", address: "nobody@acme.example.test"))
        try bed.dispatch(emailDispatch(dispatchId: "d-bad", address: "bob at acme"))
        try bed.dispatch(emailDispatch(dispatchId: "d-injection", address: "bob@acme.example.test>\r\nRCPT TO:<eve@evil.test"))
        try bed.dispatch(emailDispatch(dispatchId: "d-full", address: "busy@acme.example.test"))
        try bed.dispatch(emailDispatch(dispatchId: "d-spam", address: "spam@acme.example.test"))
        try await bed.publisher.flush()

        let bounced = try await bed.waitForReceipt("d-bounce", .bounced)
        #expect(bounced.attempt == 1)
        #expect(bounced.error?.contains("SMTP 550 at RCPT TO") == true)
        #expect(bounced.error?.contains("User unknown") == true)
        let bad = try await bed.waitForReceipt("d-bad", .failed)
        #expect(bad.error?.contains("is not an e-mail address") == true && bad.attempt == 1)
        _ = try await bed.waitForReceipt("d-injection", .failed)
        let full = try await bed.waitForReceipt("d-full", .failed)
        #expect(full.attempt == 4 && full.error?.contains("gave up after 4 attempts") == true && full.error?.contains("Mailbox full") == true)
        let spam = try await bed.waitForReceipt("d-spam", .failed)
        #expect(spam.attempt == 1 && spam.error?.contains("554") == true && spam.error?.contains("rejected as spam") == true)
        #expect(bed.smtp.mails.isEmpty)
        #expect(try bed.gateway.runtime.store.read { try DeadLetters.count($0) } == 5)
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aTenantsOwnSenderIsUsed() async throws {
        let bed = try await EmailGatewayTestbed.start("email-tenant")
        try bed.dispatch(emailDispatch(dispatchId: "d-globex", address: "gina@globex.example.test", user: "gina", name: "Gina", tenant: "globex"),
                         tenant: "globex")
        try await bed.publisher.flush()
        let sent = try await bed.waitForReceipt("d-globex", .sent)
        let mail = try #require(bed.smtp.mails.first)
        #expect(mail.mailFrom == "noc@globex.example.test" && mail.header("From") == "Globex <noc@globex.example.test>")
        #expect(sent.providerRef?.hasSuffix("@globex.example.test>") == true)
        await bed.stop()
    }
}

@Suite struct SMTPConnectionFailureTests {
    /// No server listens yet: the attempt fails to connect and is rescheduled in the table; once the server is up, the
    /// retry delivers it, once.
    @Test(.timeLimit(.minutes(2)))
    func aServerThatIsDownIsTriedAgainFromTheTable() async throws {
        let directory = temporaryDirectory("email-down")
        // Held until the server starts: nothing else listens on it meanwhile, and the first attempt is refused.
        let reservation = try #require(LocalPorts.reserve())
        defer { reservation.release() }
        let port = reservation.port
        let broker = try MosquittoBroker()
        let smtpURL = "smtp://127.0.0.1:\(port)"
        let config = try TestConfig.write("""
            channels:
              email: {smtp_url_env: SMTP_URL, from: "alerts@example.test", require_tls: false}
            tenants:
              - id: acme
                users:
                  - {id: bob, roles: [admin], email: bob@acme.example.test, channels: [email]}
            """, in: directory)
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/+"])
        let publisher = try BusPublisher(broker: broker)
        let provider = SMTPProvider(environment: ["SMTP_URL": smtpURL], timeout: 5, retry: RetrySchedule(delays: [0.3, 0.5, 1, 1, 1, 1, 1, 1]))
        let gateway = InProcessService(runtime: try EmailGatewayService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("gateway"), broker: broker))) {
            try await EmailGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 2), installSignalHandlers: false)
        }
        try await gateway.waitUntilConnected()
        let dispatch = emailDispatch(dispatchId: "d-down")
        publisher.publish("alerting/dispatch/email/acme", try Envelope(id: dispatch.dispatchId, source: "alerting/router", tenant: "acme",
                                                                       data: dispatch).encoded())
        try await publisher.flush()
        // The first attempt failed and waits in the table.
        let deadline = Date().addingTimeInterval(20)
        while (try gateway.runtime.store.read { try GatewayRecords.schedule($0, dispatchId: "d-down") })?.attempts ?? 0 < 1 {
            guard Date() < deadline else { Issue.record("no failed attempt recorded"); break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let smtp = try await offThePool { try SMTPRecorder(directory: directory.appendingPathComponent("smtp"), port: port) }
        reservation.release()
        try await receipts.wait(timeout: 30, "the sent receipt") { messages in
            messages.flatMap { (try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts) ?? [] }
                .contains { $0.dispatchId == "d-down" && $0.status == .sent }
        }
        let receipt = try #require(receipts.messages.flatMap { (try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts) ?? [] }.last)
        #expect(receipt.attempt >= 2 && receipt.status == .sent)
        #expect(smtp.mails.count == 1)
        publisher.stop()
        receipts.stop()
        await gateway.stop()
        smtp.stop()
        broker.stop()
    }
}
