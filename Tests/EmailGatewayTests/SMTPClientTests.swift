// The libcurl SMTP client alone against the real local server: one connection for consecutive mails to a server, and
// where a refusal happened with the server's reply.
import EmailGateway
import Foundation
import Testing
import TestSupport

@Suite struct SMTPClientTests {
    @Test(.timeLimit(.minutes(1)))
    func consecutiveMailsReuseTheConnection() async throws {
        let smtp = try await offThePool { try SMTPRecorder(directory: temporaryDirectory("smtp-client-reuse"), rules: [
            SMTPRecorder.Rule(stage: "rcpt", match: "nobody@", code: 550, text: "5.1.1 User unknown"),
        ]) }
        let server = try #require(SMTPServer(url: smtp.url()))
        let client = SMTPClient()
        for index in 0..<3 {
            let message = Data("Subject: \(index)\r\nMessage-ID: <m\(index)@example.test>\r\n\r\n.leading dot\r\n".utf8)
            let result = client.send(message, from: "alerts@example.test", to: "bob@acme.example.test", server: server, requireTLS: false,
                                     caFile: nil, timeout: 10)
            #expect(result.accepted && result.replyCode == 250, "\(result)")
        }
        #expect(client.connectionsOpened == 1)
        let mails = try await smtp.waitForMails(3)
        #expect(mails.map(\.messageID) == ["<m0@example.test>", "<m1@example.test>", "<m2@example.test>"])
        #expect(mails[0].raw.contains("\r\n.leading dot\r\n"), "curl escapes a leading dot and the server unescapes it")

        let refused = client.send(Data("Subject: x\r\n\r\nx\r\n".utf8), from: "alerts@example.test", to: "nobody@acme.example.test",
                                  server: server, requireTLS: false, caFile: nil, timeout: 10)
        #expect(!refused.accepted && refused.replyCode == 550 && refused.stage == .recipient)
        #expect(refused.reply == "550 5.1.1 User unknown")
        // Nothing listens there any more: a connection failure, no reply.
        smtp.stop()
        let down = client.send(Data("Subject: x\r\n\r\nx\r\n".utf8), from: "alerts@example.test", to: "bob@acme.example.test",
                               server: server, requireTLS: false, caFile: nil, timeout: 10)
        #expect(down.failure == .connection && down.replyCode == nil, "\(down)")
    }
}
