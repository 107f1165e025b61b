// The interactivity endpoint's logic: whose workspace a callback comes from, whether it is genuine and fresh, who
// pressed, and the ack it becomes. Everything refused gets a status, a reason and a count, never an ack.
import Config
import Contracts
import Foundation
import Metrics
import ServiceKit
import Synchronization

public final class SlackActionHandler: Sendable {
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var text: String
        /// The ack to publish on `alerting/ack/{tenant}/{alert_id}`.
        public var ack: (tenant: String, alertId: String, command: AckCommand)?

        public static func == (lhs: Answer, rhs: Answer) -> Bool {
            lhs.status == rhs.status && lhs.text == rhs.text && lhs.ack?.tenant == rhs.ack?.tenant && lhs.ack?.alertId == rhs.ack?.alertId
                && lhs.ack?.command == rhs.ack?.command
        }
    }

    let config: @Sendable () -> AlertingConfig
    let environment: [String: String]
    /// Signatures accepted within the replay window: the same request twice is refused.
    private let seen = Mutex<[String: Date]>([:])
    /// Made with the handler, after the service's metrics system is up.
    let results = CounterFamily("alerting_slack_actions_total", dimensions: ["result"])

    public init(config: @escaping @Sendable () -> AlertingConfig, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.config = config
        self.environment = environment
    }

    public func handle(signature: String?, timestamp: String?, body: Data, now: Date = Date()) -> Answer {
        let answer = evaluate(signature: signature, timestamp: timestamp, body: body, now: now)
        results(answer.ack != nil ? "acknowledged" : Self.label(answer)).increment()
        return answer
    }

    private func evaluate(signature: String?, timestamp: String?, body: Data, now: Date) -> Answer {
        guard signature != nil, timestamp != nil else { return refuse(401, "missing_signature", SlackSignature.Verdict.missing.reason) }
        let current = config()
        guard let team = SlackActionRequest.team(of: body) else { return refuse(400, "malformed", "no team in the callback's payload") }
        // A tenant's own workspace is checked with its own secret only; any other team with the global app's.
        let teamTenant = current.tenant(slackTeamID: team)
        let secretEnv = teamTenant.map { current.slack(forTenant: $0.id)?.signingSecretEnv } ?? current.channels.slack?.signingSecretEnv
        guard let secretValue = secret(named: secretEnv, environment: environment) else {
            return refuse(401, "unknown_team", "no signing secret for team \(team.prefix(20))")
        }
        let verdict = SlackSignature(secret: secretValue).verify(signature: signature, timestamp: timestamp, body: body, now: now)
        guard verdict == .valid, let signature else {
            return refuse(401, verdict == .expired ? "expired" : verdict == .malformed ? "malformed_signature" : "forged", verdict.reason)
        }
        let replayed = seen.withLock { seen in
            seen = seen.filter { now.timeIntervalSince($0.value) <= SlackSignature.window * 2 }
            return seen.updateValue(now, forKey: signature) != nil
        }
        if replayed { return refuse(401, "replayed", "this request was received already") }
        let request: SlackActionRequest
        do {
            request = try SlackActionRequest.parse(body)
        } catch {
            return refuse(400, error.code == "malformed" ? "malformed" : error.code, error.message)
        }
        if let teamTenant, teamTenant.id != request.tenant {
            return refuse(400, "wrong_tenant", "the button belongs to another tenant than team \(team.prefix(20))")
        }
        guard let tenant = current.tenant(id: request.tenant) else { return refuse(400, "unknown_tenant", "unknown tenant") }
        if teamTenant == nil, tenant.channels.slack?.teamId != nil {
            return refuse(400, "wrong_tenant", "tenant \(tenant.id) has its own Slack workspace")
        }
        // Who pressed is the Slack user of a signed callback, as the directory knows them.
        guard let user = tenant.users.first(where: { $0.slackUser == request.slackUser }) else {
            return refuse(200, "unknown_user", "Slack user \(request.slackUser.prefix(20)) is not in tenant \(tenant.id)'s directory: nothing was done")
        }
        let command = AckCommand(action: request.action, by: user.id, via: "slack", id: request.pressID)
        return Answer(status: 200, text: "", ack: (request.tenant, request.alertId, command))
    }

    private func refuse(_ status: Int, _ label: String, _ reason: String) -> Answer {
        Answer(status: status, text: "\(label): \(reason)")
    }

    static func label(_ answer: Answer) -> String {
        String(answer.text.prefix { $0 != ":" })
    }
}
