// Secrets never appear in logs: the services run at trace level with secrets in their environment, one webhook failing.
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct SecretLoggingTests {
    static let signingSecret = "whsec_" + Data("signing-secret-never-logged-7f3a".utf8).base64EncodedString()
    static let actionTokenSecret = "action-token-secret-never-logged-91c2"
    static let urlToken = "url-token-never-logged-5d8e"
    static let urlPassword = "url-password-never-logged-c44b"
    static let mqttPasswords = ["ingest": "mqtt-pw-ingest-never-logged-1a", "router": "mqtt-pw-router-never-logged-2b",
                                "webhook-gateway": "mqtt-pw-gateway-never-logged-3c"]

    @Test(.timeLimit(.minutes(3)))
    func noSecretValueAppearsInAnyLog() async throws {
        // Accounts with passwords; the broker refuses a wrong one, so a service that did not send its password never delivers.
        let directory = temporaryDirectory("secrets-broker")
        defer { try? FileManager.default.removeItem(at: directory) }
        let passwords = directory.appendingPathComponent("passwords")
        try Self.mqttPasswords.map { "\($0.key):\($0.value)" }.joined(separator: "\n").appending("\n")
            .write(to: passwords, atomically: true, encoding: .utf8)
        try ProductionBroker.run(["/usr/bin/mosquitto_passwd", "-U", passwords.path], log: directory.appendingPathComponent("passwd.log"),
                                 expect: nil)
        let broker = try MosquittoBroker(extraConfig: ["password_file \(passwords.path)"])
        let receiver = try await TestHTTPServer.start { request in
            request.path == "/failing" ? ScriptedHTTPResponse(status: 500, body: Data("upstream broken".utf8)) : .ok
        }
        let failingURL = receiver.url.replacingOccurrences(of: "http://", with: "http://hook:\(Self.urlPassword)@") + "/failing?token=\(Self.urlToken)"
        let pipeline = try await ProcessPipeline("secrets", broker: broker, receiver: receiver, configYAML: { url in
            Self.config(receiverURL: url)
        }, environment: [
            "TEST_WEBHOOK_SECRET": Self.signingSecret, "ACTION_TOKEN_SECRET": Self.actionTokenSecret, "FAILING_HOOK_URL": failingURL,
        ], logLevel: "trace", extraArguments: Dictionary(uniqueKeysWithValues: ProcessPipeline.serviceNames.map { ($0, ["--mqtt-username", $0]) }),
           serviceEnvironment: Self.mqttPasswords.mapValues { ["MQTT_PASSWORD": $0] })
        defer { try? FileManager.default.removeItem(at: pipeline.directory) }
        try await pipeline.start()
        let publisher = try BusPublisher(broker: broker)
        for index in 0..<20 { publisher.publish("alerting/in/acme/plc", SystemHarness.alert(index)) }
        publisher.publish("alerting/in/acme/plc", "not json")
        try await publisher.flush()
        try await pipeline.waitForDistinctAlerts(20, timeout: 60)
        // The failing webhook was tried (and retried) with the secret URL: its errors are in the gateway's log.
        let deadline = Date().addingTimeInterval(30)
        while receiver.requests.filter({ $0.path == "/failing" }).count < 40, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        publisher.stop()
        await pipeline.stop()

        let failing = receiver.requests.filter { $0.path == "/failing" }
        #expect(failing.count >= 20, "the failing webhook was called")
        #expect(failing.allSatisfy { $0.target.contains(Self.urlToken) }, "the URL from url_env was used")
        let secrets = [Self.signingSecret, Self.actionTokenSecret, Self.urlToken, Self.urlPassword] + Array(Self.mqttPasswords.values)
        var logBytes = 0
        for service in pipeline.services {
            let log = service.log
            logBytes += log.utf8.count
            #expect(log.contains("trace") || log.contains("debug"), "\(service.name) logged at trace level")
            for secret in secrets { #expect(!log.contains(secret), "\(service.name)'s log holds a secret") }
        }
        let gatewayLog = pipeline["webhook-gateway"].log
        #expect(gatewayLog.contains("500") || gatewayLog.lowercased().contains("fail"), "the failing webhook was logged")
        print("secrets: \(logBytes) bytes of logs from \(pipeline.services.count) services at trace level, \(failing.count) failing calls, \(secrets.count) secrets, none found")
    }

    static func config(receiverURL: String) -> String {
        """
        broker:
          url: mqtt://127.0.0.1:1883
          topic_root: alerting
        http:
          public_base_url: https://alerts.example.test
          action_token_secret_env: ACTION_TOKEN_SECRET
        tenants:
          - id: acme
            name: Acme
            users:
              - id: bob
                name: Bob
                roles: [admin]
                email: bob@acme.example.test
            services:
              - id: press-line
                name: Press line
                owners: [bob]
                notification_channels: [webhook]
                webhooks:
                  - id: receiver
                    type: generic
                    url: \(receiverURL)/hook
                    secret_env: TEST_WEBHOOK_SECRET
                  - id: failing
                    type: generic
                    url_env: FAILING_HOOK_URL
                    secret_env: TEST_WEBHOOK_SECRET
        """
    }
}
