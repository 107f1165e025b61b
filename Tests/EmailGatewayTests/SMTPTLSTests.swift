// TLS to the mail server with a certificate the test makes: STARTTLS on smtp://, TLS from the start on smtps://, and
// no mail in clear text when TLS is required and the server does not offer it.
import Contracts
import EmailGateway
import Foundation
import GatewayKit
import Testing
import TestSupport

@Suite struct SMTPTLSTests {
    @Test(.timeLimit(.minutes(2)))
    func startTLSIsUsedAndRequired() async throws {
        let bed = try await EmailGatewayTestbed.start("email-starttls", security: .starttls, requireTLS: true,
                                                      auth: ("mailer", "pw"), smtpURL: { $0.url(user: "mailer", password: "pw") })
        try bed.dispatch(emailDispatch(dispatchId: "d-tls"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-tls", .sent)
        let mail = try #require(bed.smtp.mails.first)
        #expect(mail.tls && mail.auth == "mailer")
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func implicitTLSOnSMTPS() async throws {
        let bed = try await EmailGatewayTestbed.start("email-smtps", security: .implicitTLS, requireTLS: true,
                                                      smtpURL: { $0.url(implicitTLS: true) })
        try bed.dispatch(emailDispatch(dispatchId: "d-smtps"))
        try await bed.publisher.flush()
        _ = try await bed.waitForReceipt("d-smtps", .sent)
        #expect(bed.smtp.mails.first?.tls == true)
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func noMailInClearTextWhenTLSIsRequired() async throws {
        // A server without STARTTLS: require_tls refuses it.
        let bed = try await EmailGatewayTestbed.start("email-notls", requireTLS: true)
        try bed.dispatch(emailDispatch(dispatchId: "d-clear"))
        try await bed.publisher.flush()
        let failed = try await bed.waitForReceipt("d-clear", .failed)
        #expect(failed.attempt == 1 && failed.error?.contains("STARTTLS not supported") == true, "\(failed.error ?? "")")
        #expect(bed.smtp.mails.isEmpty)
        await bed.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aCertificateFromAnUntrustedCAIsRefused() async throws {
        // The server's certificate is signed by the test's own CA, which the configuration does not name (no ca_file).
        let bed = try await EmailGatewayTestbed.start("email-untrusted", security: .starttls, requireTLS: true, trustTestCA: false)
        try bed.dispatch(emailDispatch(dispatchId: "d-untrusted"))
        try await bed.publisher.flush()
        let failed = try await bed.waitForReceipt("d-untrusted", .failed)
        #expect(failed.attempt == 1 && failed.error?.lowercased().contains("certificate") == true, "\(failed.error ?? "")")
        #expect(bed.smtp.mails.isEmpty)
        await bed.stop()
    }
}
