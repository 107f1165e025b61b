// The e-mail channel in the whole system over a real Mosquitto and a real local SMTP server: a bounce fails the user
// over to their next channel, an acknowledgement threads under the first mail, a gateway killed with kill -9 mid-batch
// loses nothing and repeats nothing but the Message-IDs it had in flight, and an operator's test send.
import Contracts
import EmailGateway
import Foundation
import GatewayKit
import Ingest
import ServiceKit
import Testing
import TestSupport

@Suite(.serialized) struct EmailSystemTests {
    static let secrets = ["TW_SID": "ACsystem0000", "TW_TOKEN": "system-token"]

    static func config(_ extra: String = "") -> String {
        """
        channels:
          email:
            smtp_url_env: SMTP_URL
            from: "Acme Alerts <alerts@example.test>"
            require_tls: false
          twilio:
            api_url: http://127.0.0.1:9
            account_sid_env: TW_SID
            auth_token_env: TW_TOKEN
            sms_from: "+15005550006"
        tenants:
          - id: acme
            users:
              - {id: bob, roles: [admin], email: bob@acme.example.test, phone: "+15551230002", channels: [email, sms]}
              - {id: carol, roles: [admin], email: carol@acme.example.test, channels: [email]}
            routes:
              - {id: everything, match: {}, target_roles: [admin]}
        \(extra)
        """
    }

    @Test(.timeLimit(.minutes(3)))
    func aBounceFailsOverToTheNextChannelAndAnAcknowledgementThreads() async throws {
        let directory = temporaryDirectory("email-system")
        let smtp = try await offThePool { try SMTPRecorder(directory: directory.appendingPathComponent("smtp"), rules: [
            SMTPRecorder.Rule(stage: "rcpt", match: "bob@", code: 550, text: "5.1.1 <bob@acme.example.test>: User unknown", times: 100),
        ]) }
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(Self.config(), in: directory)
        let environment = Self.secrets.merging(["SMTP_URL": smtp.url()]) { $1 }
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/acme"])
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/+"])
        // SMS stands in for its gateway: the failover's dispatch is what this test looks for.
        let sms = try BusRecorder(broker: broker, topics: ["alerting/dispatch/sms/acme"], consuming: ["sms"])
        let publisher = try BusPublisher(broker: broker)
        let ingest = InProcessService(runtime: try IngestService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("ingest"), broker: broker))) {
            try await IngestService.run($0, installSignalHandlers: false)
        }
        let gateway = InProcessService(runtime: try EmailGatewayService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("email-gateway"), broker: broker))) {
            try await EmailGatewayService.run($0, provider: SMTPProvider(environment: environment, timeout: 10),
                                              settings: GatewaySettings(threads: 2), installSignalHandlers: false)
        }
        // The router decides e-mail and SMS are available from the secrets in its own environment.
        let router = try PipelineService(name: "router", directory: directory, config: config, brokerURL: broker.url, logLevel: "warning",
                                         environment: environment)
        try router.start()
        try await ingest.waitUntilConnected()
        try await gateway.waitUntilConnected()
        try await SystemHarness.waitForOnline("router", status)

        publisher.publish("alerting/in/acme/plc-7",
                          #"{"summary":"Press 4 stopped","severity":"critical","dedup_key":"press4","service":"press-line","source":"plc-7"}"#)
        try await publisher.flush()

        // Bob's address bounces: a bounced receipt, and the router takes his next channel, SMS.
        try await receipts.wait(timeout: 30, "bob's bounced receipt") { _ in
            Self.receipts(receipts).contains { $0.status == .bounced && $0.recipient?.user == "bob" && $0.channel == "email" }
        }
        let bounced = try #require(Self.receipts(receipts).first { $0.status == .bounced })
        #expect(bounced.error?.contains("550") == true && bounced.error?.contains("User unknown") == true)
        try await sms.wait(timeout: 30, "bob's SMS after the bounce") { messages in
            messages.contains { message in
                (try? Envelope<DispatchRequest>.decode(message.payload).data).map { $0.recipient.address == "+15551230002" } ?? false
            }
        }
        let failover = try Envelope<DispatchRequest>.decode(try #require(sms.messages.first).payload).data
        #expect(failover.alert.id == bounced.alertId && failover.recipient.user == "bob" && failover.kind == .notify)

        // Carol got her mail; bob acknowledges, and carol's update answers her first mail.
        let first = try #require(try await smtp.waitForMails(1, timeout: 30) { $0.rcptTos == ["carol@acme.example.test"] }.first)
        let firstID = try #require(first.messageID)
        #expect(first.header("Subject") == "[CRITICAL] Press 4 stopped")
        publisher.publish("alerting/ack/acme/\(bounced.alertId)/by/bob", #"{"action":"acknowledge"}"#)
        try await publisher.flush()
        let update = try #require(try await smtp.waitForMails(2, timeout: 30) { $0.rcptTos == ["carol@acme.example.test"] }.last)
        #expect(update.header("In-Reply-To") == firstID && update.header("References") == firstID)
        #expect(update.header("Subject") == "Re: [CRITICAL] Press 4 stopped")
        #expect(update.part("text/plain")?.contains("Acknowledged by bob") == true)
        #expect(smtp.mails(to: "bob@acme.example.test").isEmpty)

        router.terminate()
        publisher.stop()
        receipts.stop()
        status.stop()
        sms.stop()
        await gateway.stop()
        await ingest.stop()
        smtp.stop()
        broker.stop()
    }

    static func receipts(_ recorder: BusRecorder) -> [DeliveryReceipt] {
        recorder.messages.flatMap { (try? Envelope<DeliveryReceipts>.decode($0.payload).data.receipts) ?? [] }
    }

    /// The gateway as a process, killed with kill -9 while the mail server works through a batch, then started again:
    /// every dispatch reaches the server, and a mail is repeated only when it was in flight at the kill (with the same
    /// Message-ID, which mail clients and servers drop as a duplicate).
    @Test(.timeLimit(.minutes(3)))
    func killedMidBatchTheGatewayLosesNothing() async throws {
        let directory = temporaryDirectory("email-kill")
        let smtp = try await offThePool { try SMTPRecorder(directory: directory.appendingPathComponent("smtp"), delay: 0.05) }
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(Self.config(), in: directory)
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/acme"])
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/+"])
        let publisher = try BusPublisher(broker: broker)
        let gateway = try PipelineService(name: "email-gateway", directory: directory, config: config, brokerURL: broker.url,
                                          logLevel: "warning", environment: ["SMTP_URL": smtp.url()])
        try gateway.start()
        try await SystemHarness.waitForOnline("email-gateway", status)

        let count = 60
        let dispatches = (0..<count).map { index in
            var dispatch = DispatchRequest(dispatchId: "d-\(index)", kind: .notify, event: .triggered, channel: "email",
                                           recipient: Recipient(kind: .user, user: "carol", address: "carol@acme.example.test"),
                                           title: "[CRITICAL] Press \(index) stopped", body: "Press \(index) stopped", severity: .critical,
                                           alert: Alert(id: "alert-\(index)", tenant: "acme", dedupKey: "press\(index)", severity: .critical,
                                                        summary: "Press \(index) stopped", createdAt: Date()))
            dispatch.priority = "high"
            return dispatch
        }
        for dispatch in dispatches {
            publisher.publish("alerting/dispatch/email/acme",
                              try Envelope(id: dispatch.dispatchId, source: "alerting/router", tenant: "acme", data: dispatch).encoded())
        }
        try await publisher.flush()
        // Mid-batch: some mails accepted, most not yet.
        try await smtp.waitForMails(10, timeout: 60)
        gateway.kill()
        let accepted = smtp.mails.count
        #expect(accepted < count, "the kill came before the batch was done")
        let seen = status.messages.count
        try gateway.start()
        try await SystemHarness.waitForOnline("email-gateway", status, after: seen)

        let expected = Set(dispatches.map { MessageIDs(dispatch: $0, domain: "example.test").messageID })
        try await smtp.waitForMails(count, timeout: 90) { _ in Set(smtp.mails.compactMap(\.messageID)) == expected }
        try await receipts.wait(timeout: 60, "a sent receipt of every dispatch") { _ in
            Set(Self.receipts(receipts).filter { $0.status == .sent }.map(\.dispatchId)).count == count
        }
        let mails = smtp.mails
        #expect(Set(mails.compactMap(\.messageID)) == expected)
        // Repeats: only what the 4 delivery threads had in flight at the kill, each with its Message-ID.
        #expect(mails.count - expected.count <= 4, "\(mails.count - expected.count) mails repeated")
        #expect(Self.receipts(receipts).allSatisfy { $0.status == .sent })

        gateway.terminate()
        publisher.stop()
        receipts.stop()
        status.stop()
        smtp.stop()
        broker.stop()
    }

    /// `email-gateway test-send`: one mail now, its outcome printed and published as a receipt.
    @Test(.timeLimit(.minutes(2)))
    func testSendFromTheExecutable() async throws {
        let directory = temporaryDirectory("email-test-send")
        let smtp = try await offThePool { try SMTPRecorder(directory: directory.appendingPathComponent("smtp"), rules: [
            SMTPRecorder.Rule(stage: "rcpt", match: "nobody@", code: 550, text: "5.1.1 User unknown", times: 5),
        ]) }
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(Self.config(), in: directory)
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/acme"])
        let executable = try ServiceProcess.locate("email-gateway")

        // The wait is on a thread of its own: blocking the concurrency pool's few threads would stall the other tests.
        func testSend(to address: String) async throws -> (code: Int32?, output: String) {
            try await offThePool { try runTestSend(to: address) }
        }
        @Sendable func runTestSend(to address: String) throws -> (code: Int32?, output: String) {
            let log = directory.appendingPathComponent("test-send-\(address).log")
            let child = try ChildProcess(executable: "/usr/bin/env", arguments: [
                "SMTP_URL=\(smtp.url())", executable.path, "test-send", "--config", config.path, "--broker", broker.url,
                "--tenant", "acme", "--to", address,
            ], output: log.path)
            let deadline = Date().addingTimeInterval(60)
            while child.isRunning, Date() < deadline { usleep(20_000) }
            // The outcome is the last line; the configuration's log lines come before it.
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return (child.exitCode, output.split(separator: "\n").last.map(String.init) ?? "")
        }

        let sent = try await testSend(to: "ops@acme.example.test")
        #expect(sent.code == 0, "\(sent.output)")
        #expect(sent.output.hasPrefix("sent\t<alert.test-"))
        let mail = try #require(smtp.mails.first)
        #expect(mail.rcptTos == ["ops@acme.example.test"] && mail.header("Subject") == "[INFO] Test message from the alerting e-mail gateway")
        #expect(mail.part("text/plain")?.contains("email-gateway test-send") == true)

        let refused = try await testSend(to: "nobody@acme.example.test")
        #expect(refused.code == 1 && refused.output.hasPrefix("bounced\t"), "\(refused.output)")
        try await receipts.wait(timeout: 20, "both test-send receipts") { _ in Self.receipts(receipts).count == 2 }
        let published = Self.receipts(receipts)
        #expect(published.map(\.status) == [.sent, .bounced])
        #expect(published[0].providerRef == mail.messageID && published[1].error?.contains("User unknown") == true)
        receipts.stop()
        smtp.stop()
        broker.stop()
    }

    /// The gateway as a process at trace level with the SMTP password in its environment: sent, retried and refused
    /// logins, and the password never appears in its log.
    @Test(.timeLimit(.minutes(2)))
    func theSMTPPasswordNeverAppearsInTheGatewaysLog() async throws {
        let password = "smtp-password-never-logged-4c2e"
        let directory = temporaryDirectory("email-secrets")
        let smtp = try await offThePool { try SMTPRecorder(directory: directory.appendingPathComponent("smtp"), auth: ("mailer", password), rules: [
            SMTPRecorder.Rule(stage: "mail", code: 421, text: "4.3.2 try later", times: 1),
        ]) }
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(Self.config("""
              - id: globex
                channels:
                  email: {smtp_url_env: WRONG_SMTP_URL}
                users:
                  - {id: gina, roles: [admin], email: gina@globex.example.test, channels: [email]}
            """), in: directory)
        let receipts = try BusRecorder(broker: broker, topics: ["alerting/receipts/+"])
        let status = try BusRecorder(broker: broker, topics: ["alerting/status/+"])
        let publisher = try BusPublisher(broker: broker)
        let gateway = try PipelineService(name: "email-gateway", directory: directory, config: config, brokerURL: broker.url, logLevel: "trace",
                                          environment: ["SMTP_URL": smtp.url(user: "mailer", password: password),
                                                        "WRONG_SMTP_URL": smtp.url(user: "mailer", password: password + "-wrong")])
        try gateway.start()
        try await SystemHarness.waitForOnline("email-gateway", status)
        for (id, tenant, address) in [("d-ok", "acme", "carol@acme.example.test"), ("d-wrong", "globex", "gina@globex.example.test")] {
            let dispatch = DispatchRequest(dispatchId: id, kind: .notify, event: .triggered, channel: "email",
                                           recipient: Recipient(kind: .user, address: address), title: "[CRITICAL] Press 4 stopped",
                                           body: "Press 4 stopped", severity: .critical,
                                           alert: Alert(id: "alert-\(id)", tenant: tenant, dedupKey: id, severity: .critical,
                                                        summary: "Press 4 stopped", createdAt: Date()))
            publisher.publish("alerting/dispatch/email/\(tenant)",
                              try Envelope(id: id, source: "alerting/router", tenant: tenant, data: dispatch).encoded())
        }
        try await publisher.flush()
        try await receipts.wait(timeout: 60, "both receipts") { _ in
            let all = Self.receipts(receipts)
            return all.contains { $0.dispatchId == "d-ok" && $0.status == .sent } && all.contains { $0.dispatchId == "d-wrong" && $0.status == .failed }
        }
        #expect(Self.receipts(receipts).first { $0.dispatchId == "d-ok" }?.attempt == 2)
        gateway.terminate()
        let log = gateway.log
        #expect(log.contains("d-wrong"), "the log is the gateway's")
        #expect(!log.contains(password))
        #expect(!log.contains(Data("\u{0}mailer\u{0}\(password)".utf8).base64EncodedString()))
        #expect(!Self.receipts(receipts).contains { ($0.error ?? "").contains(password) })
        publisher.stop()
        receipts.stop()
        status.stop()
        smtp.stop()
        broker.stop()
    }
}
