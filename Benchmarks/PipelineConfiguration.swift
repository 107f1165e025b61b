// The configuration the pipeline runs on: the bench's minimal one, or config/alerting.example.yaml as shipped.
import Foundation

enum PipelineConfiguration: Sendable {
    /// One tenant, one service whose generic webhook (signed) points at the bench's receiver; nothing else routes.
    case minimal
    /// The shipped example, with only its webhooks changed: pointed at the receiver (the ticketing URL in the file, the
    /// Teams URL through the environment variable the file names), and the Teams webhook unpaced — the gateway paces a
    /// real Teams webhook at 2 a second, Teams' own limit, where the bench's receiver stands in at hundreds a second.
    /// Its Slack dispatches have no gateway and stay held.
    case example(URL)

    static let secretEnv = "BENCH_WEBHOOK_SECRET"
    static let exampleTicketingURL = "https://example.test/ticketing"

    /// Where the run keeps this pipeline's broker, stores, logs and config, under the run's temp directory.
    var directoryName: String {
        switch self {
        case .minimal: "alerting"
        case .example: "example"
        }
    }

    /// The receipts that make one bench alert delivered.
    var parts: ReceiptParts {
        switch self {
        case .minimal: .any
        case .example: [.teams, .ticketing]
        }
    }

    func yaml(receiverURL: String, brokerURL: String) throws -> String {
        switch self {
        case .minimal:
            return Self.minimalYAML(receiverURL: receiverURL, brokerURL: brokerURL)
        case .example(let file):
            // The broker comes from each service's --broker flag, so the file's own broker URL can stay.
            let yaml = try String(contentsOf: file, encoding: .utf8)
            guard yaml.contains(Self.exampleTicketingURL) else {
                throw BenchError(code: .service, message: "\(file.path) no longer has \(Self.exampleTicketingURL) to point at the receiver")
            }
            return yaml.replacingOccurrences(of: Self.exampleTicketingURL, with: "\(receiverURL)/ticketing")
                .replacingOccurrences(of: "\nchannels:\n", with: "\nchannels:\n  webhook: {pacing: {teams: {per_second: 0}}}\n")
        }
    }

    /// Set in the bench's own environment before the services start (they inherit it).
    func environment(receiverURL: String) -> [String: String] {
        let secret = "whsec_" + Data("bench-signing-secret".utf8).base64EncodedString()
        switch self {
        case .minimal:
            return [Self.secretEnv: secret]
        case .example:
            return ["PRESS_TEAMS_WEBHOOK_URL": "\(receiverURL)/teams", "TICKETING_WEBHOOK_SECRET": secret,
                    "ACTION_TOKEN_SECRET": "bench-action-token-secret"]
        }
    }

    private static func minimalYAML(receiverURL: String, brokerURL: String) -> String {
        """
        broker:
          url: \(brokerURL)
          topic_root: alerting
        limits:
          max_payload_bytes: 8192
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
                    name: Bench receiver
                    type: generic
                    url: \(receiverURL)/hook
                    secret_env: \(secretEnv)

        """
    }
}
