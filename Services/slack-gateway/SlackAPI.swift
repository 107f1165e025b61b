// Calls to Slack's Web API for one workspace: JSON for writes, forms for reads, answers read as Slack means them.
import Contracts
import Foundation
import GatewayKit
import HTTPClient

public struct SlackAPI {
    public let workspace: SlackWorkspace
    public let client: HTTPClient
    public let timeout: Double

    public init(workspace: SlackWorkspace, client: HTTPClient, timeout: Double) {
        self.workspace = workspace
        self.client = client
        self.timeout = timeout
    }

    /// A write method (`chat.postMessage`, `chat.update`) with a JSON body.
    public func call(_ method: String, json: [String: JSONValue]) -> Result<[String: JSONValue], SlackCallFailure> {
        let body = Data(SlackMessage.encode(.object(json)).utf8)
        return perform(method, contentType: "application/json; charset=utf-8", body: body)
    }

    /// A read method (`conversations.list`, `conversations.history`) with a form body.
    public func call(_ method: String, form: [(String, String)]) -> Result<[String: JSONValue], SlackCallFailure> {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return perform(method, contentType: "application/x-www-form-urlencoded", body: Data(body.utf8))
    }

    private func perform(_ method: String, contentType: String, body: Data) -> Result<[String: JSONValue], SlackCallFailure> {
        guard let token = workspace.botToken else {
            return .failure(SlackCallFailure(code: "not_authed", outcome: .failed(error: "slack: no bot token", failure: .configuration)))
        }
        let request = HTTPRequest(method: "POST", url: "\(workspace.apiURL)/\(method)",
                                  headers: [("Content-Type", contentType), ("Authorization", "Bearer \(token)")], body: body, timeout: timeout)
        let result = client.perform(request)
        guard case .success(let response) = result, response.status == 200 else {
            // 429 with Retry-After, 5xx, timeouts: the usual reading of HTTP.
            let outcome = HTTPAttempt.outcome(result)
            let code = (try? result.get()).map { "http_\($0.status)" } ?? "connection"
            return .failure(SlackCallFailure(code: code, outcome: Self.prefixed(outcome, method: method)))
        }
        guard let object = (try? JSONDecoder().decode(JSONValue.self, from: response.body))?.objectValue else {
            return .failure(SlackCallFailure(code: "invalid_response", outcome: .retry(httpStatus: 200, error: "slack \(method): not a JSON answer",
                                                                                      failure: .serverError)))
        }
        guard object["ok"]?.boolValue == true else {
            let code = object["error"]?.stringValue ?? "unknown_error"
            return .failure(SlackCallFailure(code: code, outcome: Self.outcome(ofError: code, method: method)))
        }
        return .success(object)
    }

    /// Slack's errors that pass: everything else (`channel_not_found`, `invalid_auth`, `not_in_channel`…) stays.
    static let transientErrors: Set<String> = ["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"]

    static func outcome(ofError code: String, method: String) -> AttemptOutcome {
        let error = "slack \(method): \(code)"
        if code == "ratelimited" { return .retry(httpStatus: 200, error: error, failure: .throttled, pauseDestination: true) }
        if transientErrors.contains(code) { return .retry(httpStatus: 200, error: error, failure: .serverError) }
        let configuration: Set<String> = ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope",
                                          "no_permission", "org_login_required", "ekm_access_denied"]
        return .failed(httpStatus: 200, error: error, failure: configuration.contains(code) ? .configuration : .rejected)
    }

    static func prefixed(_ outcome: AttemptOutcome, method: String) -> AttemptOutcome {
        switch outcome {
        case .delivered: return outcome
        case .retry(let retryAfter, let status, let error, let failure, let pause):
            return .retry(retryAfter: retryAfter, httpStatus: status, error: "slack \(method): \(error)", failure: failure, pauseDestination: pause)
        case .failed(let status, let error, let failure):
            return .failed(httpStatus: status, error: "slack \(method): \(error)", failure: failure)
        }
    }
}

/// A call that did not succeed: Slack's error code and what the gateway makes of it.
public struct SlackCallFailure: Error, Sendable, Equatable {
    public let code: String
    public let outcome: AttemptOutcome
}
