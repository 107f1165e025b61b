// A notifier over a fresh SQLite with a two-tenant configuration: admins with and without overrides, a non-admin.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Logging
import Store
import TestSupport

struct HealthFixture {
    static let yaml = """
        broker:
          url: mqtt://127.0.0.1:1883
          topic_root: alerting
        tenants:
          - id: acme
            name: Acme
            users:
              - id: alice
                name: Alice
                roles: [admin]
                email: alice@acme.example.test
              - id: bob
                name: Bob
                roles: [admin]
                email: bob@acme.example.test
              - id: erin
                name: Erin
                roles: [responder]
                email: erin@acme.example.test
              - id: dave
                name: Dave
                roles: [responder]
                email: dave@acme.example.test
            integration_notifications:
              admins: {role: admin, users: [erin]}
              preferences:
                alice: {configuration_changes: true, status_updates: true}
                bob: {sync_failures: false}
              link_template: "https://app.example.test/{tenant}/integrations/{integration_id}"
              flap_window: 10m
          - id: globex
            name: Globex
            users:
              - id: gina
                name: Gina
                roles: [admin]
                email: gina@globex.example.test
          - id: initech
            name: Initech
            enabled: false
            users:
              - id: ian
                name: Ian
                roles: [admin]
        """

    let store: Store
    let notifier: HealthNotifier
    let config: AlertingConfig

    init(_ name: String, yaml: String = HealthFixture.yaml) throws {
        let directory = temporaryDirectory(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("notifier.sqlite").path, migrations: HealthRecords.migrations)
        var logger = Logger(label: "test.notifier")
        logger.logLevel = .critical
        notifier = HealthNotifier(topics: Topics(), source: "alerting/integration-health-notifier", logger: logger)
        config = try ConfigLoader.parse(yaml: yaml)
    }

    /// Publishes one event as a monitor would, at `now`.
    func publish(_ event: [String: Any], tenant: String = "acme", integration: String = "crm-1", now: Date = Date(),
                 retained: Bool = false) throws -> [Outbound] {
        let payload = try JSONSerialization.data(withJSONObject: event)
        return try publish(raw: payload, topic: "integrations/health/\(tenant)/\(integration)", now: now, retained: retained)
    }

    func publish(raw payload: Data, topic: String, now: Date = Date(), retained: Bool = false) throws -> [Outbound] {
        try store.write { db in try notifier.health(db, topic: topic, payload: payload, retained: retained, config: config, now: now) }
    }

    func setPreferences(_ json: String, tenant: String = "acme", user: String, now: Date = Date()) throws -> [Outbound] {
        try store.write { db in
            try notifier.preferences(db, topic: "integrations/preferences/\(tenant)/\(user)", payload: Data(json.utf8), config: config, now: now)
        }
    }

    func receipt(_ receipt: DeliveryReceipt, tenant: String = "acme", now: Date = Date()) throws -> [Outbound] {
        try store.write { db in try notifier.receipt(db, receipt, tenant: tenant, now: now) }
    }
}

extension [Outbound] {
    var dispatches: [(topic: String, request: DispatchRequest)] {
        compactMap { out in
            guard out.topic.hasPrefix("alerting/dispatch/") else { return nil }
            return (try? Envelope<DispatchRequest>.decode(out.payload)).map { (out.topic, $0.data) }
        }
    }

    var rejections: [Rejection] {
        compactMap { $0.topic.hasPrefix("alerting/rejected/") ? (try? Envelope<Rejection>.decode($0.payload))?.data : nil }
    }

    var state: IntegrationHealth? {
        first { $0.topic.hasPrefix("integrations/state/") }.flatMap { try? JSONCoding.decode(IntegrationHealth.self, from: $0.payload) }
    }

    /// Who was told, as `user/channel`, sorted.
    var told: [String] { dispatches.map { "\($0.request.recipient.user ?? "?")/\($0.request.channel)" }.sorted() }
}
