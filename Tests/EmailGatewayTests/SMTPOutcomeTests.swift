// How an SMTP exchange's end becomes a delivery outcome: sent, retried (and whether the whole server pauses), bounced,
// failed.
import EmailGateway
import GatewayKit
import Testing

@Suite struct SMTPOutcomeTests {
    let id = "<alert.a.b@example.test>"

    func outcome(_ code: Int?, _ stage: SMTPResult.Stage, _ failure: SMTPResult.Failure = .connection) -> AttemptOutcome {
        SMTPProvider.outcome(SMTPResult(failure: failure, message: "curl said so", replyCode: code,
                                        reply: code.map { "\($0) server reply" } ?? "", stage: stage), messageID: id)
    }

    @Test func classification() {
        #expect(SMTPProvider.outcome(SMTPResult(replyCode: 250, reply: "250 OK", stage: .message), messageID: id)
                == .delivered(status: .sent, providerRef: id))
        #expect(outcome(421, .mailFrom) == .retry(error: "SMTP 421 at MAIL FROM: 421 server reply", failure: .throttled, pauseDestination: true))
        #expect(outcome(451, .recipient) == .retry(error: "SMTP 451 at RCPT TO: 451 server reply", failure: .serverError, pauseDestination: false))
        #expect(outcome(452, .recipient) == .retry(error: "SMTP 452 at RCPT TO: 452 server reply", failure: .throttled, pauseDestination: false))
        #expect(outcome(451, .message) == .retry(error: "SMTP 451 at message: 451 server reply", failure: .serverError, pauseDestination: false))
        #expect(outcome(550, .recipient) == .failed(error: "SMTP 550 at RCPT TO: 550 server reply", failure: .bounced))
        #expect(outcome(553, .recipient) == .failed(error: "SMTP 553 at RCPT TO: 553 server reply", failure: .bounced))
        #expect(outcome(501, .recipient) == .failed(error: "SMTP 501 at RCPT TO: 501 server reply", failure: .rejected))
        #expect(outcome(554, .message) == .failed(error: "SMTP 554 at message: 554 server reply", failure: .rejected))
        #expect(outcome(535, .auth, .login) == .failed(error: "SMTP 535 at auth: 535 server reply", failure: .configuration))
        #expect(outcome(nil, .greeting) == .retry(error: "curl said so", failure: .connect, pauseDestination: true))
        #expect(outcome(nil, .greeting, .timeout) == .retry(error: "curl said so", failure: .timeout, pauseDestination: true))
        #expect(outcome(250, .greeting, .tls) == .failed(error: "curl said so: 250 server reply", failure: .tls))
        #expect(AttemptOutcome.finalStatus(of: .bounced) == .bounced && AttemptOutcome.finalStatus(of: .rejected) == .failed)
    }
}
