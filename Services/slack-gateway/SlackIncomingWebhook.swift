// A post through an incoming webhook: the message only (a webhook cannot edit what it posted), Slack's error as the reason.
import Contracts
import Foundation
import GatewayKit
import HTTPClient

struct SlackIncomingWebhook {
    let url: String
    let timeout: Double

    func post(_ dispatch: DispatchRequest, client: HTTPClient) -> AttemptOutcome {
        let body = Data(SlackMessage.encode(.object(SlackMessage.content(for: dispatch))).utf8)
        let result = client.perform(HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")], body: body, timeout: timeout))
        let outcome = HTTPAttempt.outcome(result)
        // Slack answers a refused webhook post with its reason as the body (`no_service`, `channel_is_archived`…).
        guard case .failed(let status, _, let failure) = outcome, case .success(let response) = result else {
            return SlackAPI.prefixed(outcome, method: "incoming webhook")
        }
        let reason = String(decoding: response.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .failed(httpStatus: status, error: "slack incoming webhook: \(reason.isEmpty ? "HTTP \(response.status)" : reason)", failure: failure)
    }
}
