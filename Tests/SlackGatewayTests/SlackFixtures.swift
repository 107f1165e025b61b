// What the Slack gateway's tests share: a configuration with a global Slack app and a tenant with its own workspace,
// dispatches as the router sends them, and a provider over a fresh table.
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPClient
import SlackGateway
import Store
import TestSupport

enum SlackFixtures {
    static let environment = ["SLACK_BOT_TOKEN": "xoxb-global", "SLACK_SIGNING_SECRET": "global-signing-secret",
                              "GLOBEX_SLACK_TOKEN": "xoxb-globex", "GLOBEX_SLACK_SECRET": "globex-signing-secret",
                              "SLACK_WEBHOOK_URL": ""]

    /// `acme` uses the global app; `globex` has its own workspace (`T0GLOBEX`), served by `globexAPI` when given.
    static func yaml(apiURL: String, globexAPI: String? = nil, webhookOnlyTenant: String = "") -> String {
        """
        broker:
          url: mqtt://127.0.0.1:1883
        channels:
          slack:
            api_url: \(apiURL)
            bot_token_env: SLACK_BOT_TOKEN
            signing_secret_env: SLACK_SIGNING_SECRET
        tenants:
          - id: acme
            name: Acme
            users:
              - id: bob
                name: Bob
                roles: [admin]
                slack_user: U0BOB00001
            services:
              - id: press-line
                name: Press line
                owners: [bob]
                notification_channels: [slack]
                slack_channel: "#alerts"
          - id: globex
            name: Globex
            channels:
              slack:
                team_id: T0GLOBEX
                bot_token_env: GLOBEX_SLACK_TOKEN
                signing_secret_env: GLOBEX_SLACK_SECRET
        \(globexAPI.map { "        api_url: \($0)" } ?? "")
            users:
              - id: gina
                name: Gina
                roles: [admin]
                slack_user: U0GINA0001
        \(webhookOnlyTenant)
        """
    }

    static func config(apiURL: String, globexAPI: String? = nil, in directory: URL) throws -> AlertingConfig {
        let url = try TestConfig.write(yaml(apiURL: apiURL, globexAPI: globexAPI), in: directory)
        return try ConfigStore(path: url.path, logger: .init(label: "test")).current
    }

    static func alert(_ id: String, tenant: String = "acme", status: AlertStatus = .triggered, severity: Severity = .critical) -> Alert {
        var alert = Alert(id: id, tenant: tenant, dedupKey: id, severity: severity, summary: "Disk full on db-1", service: "press-line",
                          createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        alert.source = "prometheus"
        alert.status = status
        return alert
    }

    static func dispatch(_ id: String, alert: Alert, kind: DispatchRequest.Kind = .notify, event: AlertEvent.Kind = .triggered,
                         recipient: Recipient = Recipient(kind: .service, service: "press-line", address: "#alerts"),
                         priority: String? = nil, providerRef: String? = nil) -> DispatchRequest {
        DispatchRequest(dispatchId: id, kind: kind, event: event, channel: "slack", recipient: recipient,
                        title: "[\(alert.severity.rawValue.uppercased())] \(alert.summary)", body: alert.summary, severity: alert.severity,
                        priority: priority, links: alert.links, alert: alert, providerRef: providerRef)
    }

    static func store(_ directory: URL) throws -> Store {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try Store(path: directory.appendingPathComponent("slack-gateway.sqlite").path,
                         migrations: GatewayRecords.migrations + SlackMessages.migrations)
    }

    static func job(_ dispatch: DispatchRequest, tenant: String = "acme") -> GatewayJob {
        GatewayJob(seq: 1, dispatchId: dispatch.dispatchId, tenant: tenant, dispatch: dispatch)
    }
}
