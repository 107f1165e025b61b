// The example configuration as the tests read it, with every provider secret set unless a test leaves some out.
import Config
import Contracts
import Directory
import Foundation

enum ExampleDirectory {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let config: AlertingConfig = {
        do { return try ConfigLoader.load(path: repositoryRoot.appendingPathComponent("config/alerting.example.yaml").path) }
        catch { fatalError("the example configuration does not load: \(error)") }
    }()

    static let allSecrets: [String: String] = [
        "ACTION_TOKEN_SECRET": "s", "ACME_SLACK_BOT_TOKEN": "x", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t",
        "SMTP_URL": "smtp://127.0.0.1", "NTFY_TOKEN": "n", "SLACK_BOT_TOKEN": "x",
    ]

    static func directory(_ tenant: String = "acme", environment: [String: String] = allSecrets, config: AlertingConfig = config) -> TenantDirectory {
        TenantDirectory(tenant: config.tenant(id: tenant)!, config: config, environment: environment)
    }

    static func alert(tenant: String = "acme", severity: Severity = .error, category: String? = nil, type: String? = nil,
                      service: String? = nil) -> Alert {
        Alert(id: "a1", tenant: tenant, dedupKey: "k", severity: severity, summary: "something", category: category, type: type,
              service: service, createdAt: date("2026-11-02T10:00:00Z"))
    }

    static func date(_ text: String) -> Date { RFC3339.date(from: text)! }

    /// A configuration of one tenant written for a test (the example's providers, so channels are available).
    static func custom(_ tenantYAML: String) throws -> AlertingConfig {
        try ConfigLoader.parse(yaml: """
            channels:
              twilio: {account_sid_env: TWILIO_ACCOUNT_SID, auth_token_env: TWILIO_AUTH_TOKEN, sms_from: "+15005550006"}
              email: {smtp_url_env: SMTP_URL, from: "a@example.test"}
              push: {ntfy_url: "https://ntfy.example.test", token_env: NTFY_TOKEN}
            tenants:
            \(tenantYAML)
            """)
    }
}

/// A compact view of a plan for table rows: "user:channel+channel>failover".
extension RoutingPlan {
    var summary: [String] {
        deliveries.map { delivery in
            "\(delivery.user):" + delivery.channels.map(\.rawValue).joined(separator: "+")
                + (delivery.failover.isEmpty ? "" : ">" + delivery.failover.map(\.rawValue).joined(separator: ">"))
        }
    }
}
