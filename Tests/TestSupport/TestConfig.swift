// Writes a configuration file for a test into its temp directory.
import Foundation

public enum TestConfig {
    public static func write(_ yaml: String, in directory: URL, name: String = "alerting.yaml") throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// One tenant (`acme`) with one service whose generic webhook posts to `receiverURL`, signed with the secret in `secretEnv`.
    /// - Parameter retrySchedule: `channels.webhook.retry_schedule` (e.g. `[0.05, 0.1]`), for tests that wait for retries.
    public static func singleWebhook(receiverURL: String, secretEnv: String = "TEST_WEBHOOK_SECRET", extraTenants: String = "",
                                     retrySchedule: String? = nil) -> String {
        """
        broker:
          url: mqtt://127.0.0.1:1883
          topic_root: alerting
        limits:
          max_payload_bytes: 8192
        \(retrySchedule.map { "channels:\n  webhook:\n    retry_schedule: \($0)" } ?? "")
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
                    name: Test receiver
                    type: generic
                    url: \(receiverURL)/hook
                    secret_env: \(secretEnv)
                  - id: disabled-one
                    type: generic
                    url: \(receiverURL)/disabled
                    enabled: false
        \(extraTenants)
        """
    }
}
