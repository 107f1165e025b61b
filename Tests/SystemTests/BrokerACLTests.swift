// No one gets in: the production broker files let each account publish and read only its own topics.
import Foundation
import MQTT
import Testing
import TestSupport

@Suite(.serialized) struct BrokerACLTests {
    /// (account, topic, allowed): a publish the ACL must let through or stop.
    static let publishes: [(String, String, Bool)] = [
        // Devices: only their own tenant's intake and integration health.
        ("acme", "alerting/in/acme/plc-1", true),
        ("acme", "integrations/health/acme/erp", true),
        ("acme", "alerting/in/globex/plc-1", false),
        ("acme", "integrations/health/globex/erp", false),
        ("acme", "alerting/dispatch/webhook/acme", false),
        ("acme", "alerting/ack/acme/a1", false),
        ("acme", "alerting/ack/acme/a1/by/alice", false),
        ("acme", "alerting/alerts/acme/a1", false),
        ("acme", "alerting/events/acme/a1", false),
        ("acme", "alerting/status/ingest", false),
        // People: acknowledge only as themselves.
        ("acme.alice", "alerting/ack/acme/a1/by/alice", true),
        ("acme.alice", "alerting/ack/acme/a1/by/bob", false),
        ("acme.alice", "alerting/ack/acme/a1", false),
        ("acme.alice", "alerting/ack/globex/a1/by/alice", false),
        ("acme.alice", "alerting/in/acme/x", false),
        // Services: their own outputs only.
        ("ingest", "alerting/events/acme/a1", true),
        ("ingest", "alerting/alerts/acme/a1", true),
        ("ingest", "alerting/rejected/acme", true),
        ("ingest", "alerting/status/ingest", true),
        ("ingest", "alerting/dispatch/webhook/acme", false),
        ("ingest", "alerting/status/router", false),
        ("ingest", "alerting/escalations/acme/a1", false),
        ("router", "alerting/dispatch/webhook/acme", true),
        ("router", "alerting/inbox/acme/alice", true),
        ("router", "alerting/alerts/acme/a1", false),
        ("router", "alerting/events/acme/a1", false),
        ("router", "alerting/ack/acme/a1", false),
        ("webhook-gateway", "alerting/receipts/acme", true),
        ("webhook-gateway", "alerting/ack/acme/a1", true),
        ("webhook-gateway", "alerting/dispatch/webhook/acme", false),
        ("webhook-gateway", "alerting/alerts/acme/a1", false),
        ("webhook-gateway", "alerting/in/acme/x", false),
        ("escalator", "alerting/escalations/acme/a1", true),
        ("escalator", "alerting/events/acme/a1", false),
        ("escalator", "alerting/dispatch/sms/acme", false),
        ("ops", "alerting/in/acme/x", false),
        ("ops", "alerting/ack/acme/a1", false),
        ("ops", "alerting/dispatch/webhook/acme", false),
        ("ops", "alerting/status/ops", false),
        ("ops", "alerting/analytics/acme/request", false),
        ("router", "alerting/dispatch/sms/acme", true),
    ]

    @Test(.timeLimit(.minutes(2)))
    func eachAccountPublishesOnlyWhereTheACLAllows() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        // ops reads no dispatches: the router's are watched by the gateway accounts, which read their own channel.
        let ops = try AccountClient(broker, account: "ops", subscriptions: ["alerting/#", "integrations/#"])
        let webhookReader = try AccountClient(broker, account: "webhook-gateway", subscriptions: ["alerting/dispatch/#"])
        let smsReader = try AccountClient(broker, account: "sms-whatsapp-gateway", subscriptions: ["alerting/dispatch/#"])
        for observer in [ops, webhookReader, smsReader] { try await observer.client.waitUntilConnected(timeout: 10) }
        try await Task.sleep(nanoseconds: 300_000_000)
        // On the clients listener the client id is the account name, so an account holds one connection: the ops
        // observer publishes ops's probes itself.
        var clients: [String: AccountClient] = ["ops": ops]
        for account in Set(Self.publishes.map(\.0)) where account != "ops" {
            let client = try AccountClient(broker, account: account)
            try await client.client.waitUntilConnected(timeout: 10)
            clients[account] = client
        }
        for (index, (account, topic, _)) in Self.publishes.enumerated() { clients[account]!.publish(topic, "probe-\(index)") }
        for client in clients.values { try await client.flush() }
        let allowed = Self.publishes.enumerated().filter { $0.element.2 }.map { "probe-\($0.offset)" }
        func seenByObservers() -> Set<String> {
            Set([ops, webhookReader, smsReader].flatMap(\.messages).map { String(decoding: $0.payload, as: UTF8.self) })
        }
        let deadline = Date().addingTimeInterval(10)
        while seenByObservers().isSuperset(of: allowed) == false, Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        // A denied publish is acknowledged (MQTT v5: reason 0x87) and dropped; give a stray one time to show up.
        try await Task.sleep(nanoseconds: 500_000_000)
        let seen = seenByObservers()
        for (index, (account, topic, shouldPass)) in Self.publishes.enumerated() {
            #expect(seen.contains("probe-\(index)") == shouldPass, "\(account) publishing to \(topic) should be \(shouldPass ? "allowed" : "denied")")
        }
        clients.values.forEach { $0.stop() }
        [webhookReader, smsReader].forEach { $0.stop() }
        broker.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func eachAccountReadsOnlyItsOwnTopics() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        // Every reader asks for more than it may have; the broker must hand it only what the ACL grants.
        let greedy = ["alerting/#", "alerting/alerts/#", "alerting/alerts/globex/#", "alerting/alerts/acme/#",
                      "alerting/inbox/#", "alerting/inbox/acme/alice", "alerting/dispatch/#", "alerting/dispatch/webhook/+",
                      "integrations/#"]
        let readers = try ["acme", "acme.alice", "globex", "webhook-gateway", "escalator", "ops"].map {
            try AccountClient(broker, account: $0, subscriptions: greedy)
        }
        for reader in readers { try await reader.client.waitUntilConnected(timeout: 10) }
        try await Task.sleep(nanoseconds: 500_000_000)
        let ingest = try AccountClient(broker, account: "ingest")
        let router = try AccountClient(broker, account: "router")
        // The acme reader publishes the integration event itself: a second connection of account acme would take
        // the first one's place (its client id is the account name).
        let monitor = readers[0]
        for client in [ingest, router] { try await client.client.waitUntilConnected(timeout: 10) }
        ingest.publish("alerting/alerts/acme/a1", "acme-state")
        ingest.publish("alerting/alerts/globex/g1", "globex-state")
        router.publish("alerting/inbox/acme/alice", "alice-inbox")
        router.publish("alerting/inbox/acme/bob", "bob-inbox")
        router.publish("alerting/dispatch/webhook/acme", "webhook-dispatch")
        router.publish("alerting/dispatch/sms/acme", "sms-dispatch")
        monitor.publish("integrations/health/acme/erp", "acme-health")
        for client in [ingest, router, monitor] { try await client.flush() }
        let expected: [String: Set<String>] = [
            "acme": ["acme-state"],
            "acme.alice": ["acme-state", "alice-inbox"],
            "globex": ["globex-state"],
            "webhook-gateway": ["webhook-dispatch"],
            "escalator": [],
            // Everything but dispatches.
            "ops": ["acme-state", "globex-state", "alice-inbox", "bob-inbox", "acme-health"],
        ]
        let deadline = Date().addingTimeInterval(10)
        func received(_ reader: AccountClient) -> Set<String> { Set(reader.messages.map { String(decoding: $0.payload, as: UTF8.self) }) }
        while readers.contains(where: {
            !received($0).isSuperset(of: expected[$0.client.settings.username!]!)
        }), Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        for reader in readers {
            let account = reader.client.settings.username!
            #expect(received(reader) == expected[account]!, "\(account) read \(received(reader).sorted())")
        }
        (readers + [ingest, router]).forEach { $0.stop() }
        broker.stop()
    }

    /// A shared group hands each message to one member, and a member that may not read it drops it: an account that
    /// joined `$share/webhook-gateway/...` would take or drop its turn of the dispatches. The clients listeners refuse
    /// the subscription, so the gateway gets every dispatch while the operator, a device and a person try.
    @Test(.timeLimit(.minutes(2)))
    func noClientAccountCanJoinAGatewaysSharedSubscription() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        let group = ["$share/webhook-gateway/alerting/dispatch/webhook/+", "$share/webhook-gateway/alerting/dispatch/#"]
        // Asked from a shell first: the client id on this listener is the account name, so this would take the place
        // of the ops intruder below.
        let sub = try await offThePool { try broker.mosquittoSub(account: "ops", port: broker.clientsPort, topic: group[0]) }
        #expect(sub.output.contains("All subscription requests were denied"), "ops subscribing to the gateway's group: \(sub.output)")
        let gateway = try AccountClient(broker, account: "webhook-gateway", subscriptions: [group[0]])
        // Each intruder also reads what it may, to show that its other subscriptions still work.
        let intruders = try [("ops", "alerting/events/#"), ("acme", "alerting/alerts/acme/#"), ("acme.alice", "alerting/alerts/acme/#")].map {
            try AccountClient(broker, account: $0.0, subscriptions: group + [$0.1])
        }
        for client in [gateway] + intruders { try await client.client.waitUntilConnected(timeout: 10) }

        let router = try AccountClient(broker, account: "router")
        let ingest = try AccountClient(broker, account: "ingest")
        for client in [router, ingest] { try await client.client.waitUntilConnected(timeout: 10) }
        let dispatches = (0..<40).map { "dispatch-\($0)" }
        for dispatch in dispatches { router.publish("alerting/dispatch/webhook/acme", dispatch) }
        ingest.publish("alerting/events/acme/a1", "event")
        ingest.publish("alerting/alerts/acme/a1", "state")
        for client in [router, ingest] { try await client.flush() }
        func payloads(_ client: AccountClient) -> [String] { client.messages.map { String(decoding: $0.payload, as: UTF8.self) } }
        let deadline = Date().addingTimeInterval(10)
        while (Set(payloads(gateway)).count < dispatches.count || intruders.contains { payloads($0).isEmpty }), Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(payloads(gateway).sorted() == dispatches.sorted(), "the gateway got \(payloads(gateway).count) of \(dispatches.count) dispatches")
        #expect(payloads(intruders[0]) == ["event"])
        #expect(payloads(intruders[1]) == ["state"] && payloads(intruders[2]) == ["state"])
        ([gateway, router, ingest] + intruders).forEach { $0.stop() }
        broker.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func aWrongPasswordOrNoAccountCannotConnect() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        let wrong = try AccountClient(broker, account: "acme", password: "not-the-password")
        let unknown = try AccountClient(broker, account: "mallory", password: "whatever")
        let right = try AccountClient(broker, account: "acme")
        try await right.client.waitUntilConnected(timeout: 10)
        try await Task.sleep(nanoseconds: 1_000_000_000)
        #expect(!wrong.client.isConnected)
        #expect(!unknown.client.isConnected)
        [wrong, unknown, right].forEach { $0.stop() }
        broker.stop()
    }
}
