// The mail as rendered before any SMTP: addresses, headers, Message-IDs and threading, both parts.
import Contracts
import EmailGateway
import Foundation
import Testing

@Suite struct EmailMessageTests {
    @Test func addresses() {
        #expect(MailAddress("Acme Alerts <alerts@example.test>") == MailAddress("alerts@example.test", name: "Acme Alerts"))
        #expect(MailAddress("alerts@example.test")?.header == "alerts@example.test")
        #expect(MailAddress("bob@acme.example.test", name: "Bob \"B\" Lead")?.header == "\"Bob \\\"B\\\" Lead\" <bob@acme.example.test>")
        #expect(MailAddress("bob@acme.example.test", name: "Zoë")?.header == "=?UTF-8?B?Wm/Dqw==?= <bob@acme.example.test>")
        for bad in ["bob", "bob@", "@acme.test", "bob smith@acme.test", "bob@acme.test\r\nBcc: eve@evil.test", "bob@acme..test",
                    "<bob@acme.test", "bob@acme.test>", "bob@[127.0.0.1]", "a,b@acme.test", ""] {
            #expect(MailAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func headersOfAFirstMail() throws {
        let dispatch = emailDispatch()
        let message = EmailMessage(dispatch: dispatch, from: MailAddress("Acme Alerts <alerts@example.test>")!,
                                   to: MailAddress("bob@acme.example.test", name: "Bob Lead")!, date: Date(timeIntervalSince1970: 1_764_900_000))
        let headers = message.headers
        #expect(headers.map(\.0) == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Auto-Submitted",
                                     "X-Alerting-Tenant", "X-Alerting-Alert"])
        let values = Dictionary(uniqueKeysWithValues: headers)
        #expect(values["From"] == "Acme Alerts <alerts@example.test>")
        #expect(values["To"] == "Bob Lead <bob@acme.example.test>")
        #expect(values["Subject"] == "[CRITICAL] Press 4 stopped")
        #expect(values["Date"] == "Fri, 05 Dec 2025 02:00:00 +0000")
        #expect(values["Message-ID"]?.hasPrefix("<alert.18c0000000-00000000a1b2.") == true)
        #expect(values["Message-ID"]?.hasSuffix("@example.test>") == true)
        let text = String(decoding: message.data, as: UTF8.self)
        #expect(text.contains("\r\n\r\n--=_alerting_"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
    }

    @Test func messageIDsPerAlertAndRecipientAndThreading() {
        let first = MessageIDs(dispatch: emailDispatch(), domain: "example.test")
        #expect(first.inReplyTo == nil && first.references.isEmpty)
        // The same alert to the same address: the same id for every attempt and every redelivery.
        #expect(MessageIDs(dispatch: emailDispatch(dispatchId: "d-other"), domain: "example.test").messageID == first.messageID)
        // Another recipient, another alert: another id.
        #expect(MessageIDs(dispatch: emailDispatch(address: "carol@acme.example.test"), domain: "example.test").messageID != first.messageID)
        #expect(MessageIDs(dispatch: emailDispatch(alertId: "other-alert"), domain: "example.test").messageID != first.messageID)

        // An update answers the first mail: with the router's reference, or the id the first mail had.
        let update = MessageIDs(dispatch: emailDispatch(dispatchId: "d-ack", kind: .update, event: .acknowledged), domain: "example.test")
        #expect(update.messageID != first.messageID)
        #expect(update.inReplyTo == first.messageID && update.references == [first.messageID])
        let withRef = MessageIDs(dispatch: emailDispatch(dispatchId: "d-ack", kind: .update, event: .acknowledged, providerRef: first.messageID),
                                 domain: "example.test")
        #expect(withRef.messageID == update.messageID && withRef.inReplyTo == first.messageID && withRef.references == [first.messageID])
        // A reference that is no Message-ID (another gateway's) is not copied into a header.
        let foreign = MessageIDs(dispatch: emailDispatch(dispatchId: "d-ack", kind: .update, event: .acknowledged,
                                                         providerRef: "C0123:1700000000.000100\r\nBcc: eve@evil.test"), domain: "example.test")
        #expect(foreign.inReplyTo == first.messageID && foreign.references == [first.messageID])
        let resolved = MessageIDs(dispatch: emailDispatch(dispatchId: "d-res", kind: .update, event: .resolved), domain: "example.test")
        #expect(resolved.messageID != update.messageID && resolved.inReplyTo == first.messageID)
        // A later notification (an escalation) is a new mail in the same thread.
        let escalated = MessageIDs(dispatch: emailDispatch(dispatchId: "d-esc", event: .escalated), domain: "example.test")
        #expect(escalated.messageID != first.messageID && escalated.inReplyTo == first.messageID)
    }

    @Test func aSummaryCannotAddHeadersAndNonASCIIIsEncoded() {
        let hostile = emailDispatch(summary: "Press 4\r\nBcc: eve@evil.test")
        let message = EmailMessage(dispatch: hostile, from: MailAddress("alerts@example.test")!, to: MailAddress("bob@acme.example.test")!,
                                   date: Date())
        #expect(Dictionary(uniqueKeysWithValues: message.headers)["Subject"] == "[CRITICAL] Press 4 Bcc: eve@evil.test")
        let text = String(decoding: message.data, as: UTF8.self)
        #expect(!text.contains("\r\nBcc:"))
        let german = EmailMessage(dispatch: emailDispatch(summary: "Presse 4 läuft nicht"), from: MailAddress("alerts@example.test")!,
                                  to: MailAddress("bob@acme.example.test")!, date: Date())
        let subject = Dictionary(uniqueKeysWithValues: german.headers)["Subject"]!
        #expect(subject.hasPrefix("=?UTF-8?B?") && subject.allSatisfy(\.isASCII))
    }

    @Test func bothPartsCarryTheFactsAndTheActions() {
        let content = EmailContent(dispatch: emailDispatch(summary: "Press <4> & co"))
        #expect(content.text.contains("Severity: CRITICAL\r\nSummary: Press <4> & co\r\nService: press-line\r\nSource: plc-7"))
        #expect(content.text.contains("Details:\r\n  line: 4\r\nLinks:\r\n  Panel: https://example.test/p4"))
        #expect(content.text.contains("Acknowledge: https://alerts.example.test/a/tok-ack\r\nResolve: https://alerts.example.test/a/tok-res"))
        #expect(content.html.contains("<td>Press &lt;4&gt; &amp; co</td>"))
        #expect(content.html.contains("<a href=\"https://alerts.example.test/a/tok-ack\" style=\""))
        #expect(content.html.contains(">Acknowledge</a>") && content.html.contains(">Resolve</a>"))
        #expect(!content.html.contains("<4>"))
        // A resolution carries no buttons.
        let resolved = EmailContent(dispatch: emailDispatch(kind: .update, event: .resolved))
        #expect(!resolved.html.contains(">Acknowledge</a>") && resolved.subject == "Re: [CRITICAL] Press 4 stopped")
    }

    @Test func smtpURLs() {
        let server = SMTPServer(url: "smtp://mailer%40acme:p%3Ass@mail.acme.test:2525")
        #expect(server?.host == "mail.acme.test" && server?.port == 2525 && server?.implicitTLS == false)
        #expect(server?.username == "mailer@acme" && server?.password == "p:ss")
        #expect(SMTPServer(url: "smtps://mail.acme.test")?.port == 465)
        #expect(SMTPServer(url: "smtp://mail.acme.test")?.port == 587)
        #expect(SMTPServer(url: "https://mail.acme.test") == nil && SMTPServer(url: "smtp://") == nil)
    }
}
