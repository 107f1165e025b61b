// Channel `push`: one ntfy publish (JSON to the server's root URL) per dispatch, to the user's `push_topic`.
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPClient

public struct NtfyPush: Sendable {
    public static let channel = "push"
    /// ntfy shows at most three action buttons.
    static let maxActions = 3
    /// ntfy turns a longer message into an attachment.
    static let maxMessageBytes = 4_000

    let environment: [String: String]
    let timeout: Double

    func deliver(_ job: GatewayJob, config: AlertingConfig, client: HTTPClient) -> AttemptOutcome {
        guard let push = config.push(forTenant: job.tenant), let server = push.ntfyURL else {
            return .failed(error: "push is not configured for tenant \(job.tenant) (channels.push.ntfy_url)", failure: .configuration)
        }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let tokenEnv = push.tokenEnv {
            guard let token = secret(named: tokenEnv, environment: environment) else {
                return .failed(error: "push unavailable: \(tokenEnv) is not set", failure: .configuration)
            }
            headers.append(("Authorization", "Bearer \(token)"))
        }
        let body: Data
        do {
            body = try JSONCoding.encode(Self.message(job.dispatch))
        } catch {
            return .failed(error: "could not render: \(error)", failure: .render)
        }
        let url = server.hasSuffix("/") ? String(server.dropLast()) : server
        return HTTPAttempt.outcome(client.perform(HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: timeout)))
    }

    /// ntfy's priority: 5 max (critical), 4 high (error), 3 default (warning), 2 low (info).
    static func priority(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 5
        case .error: 4
        case .warning: 3
        case .info: 2
        }
    }

    static func tags(_ dispatch: DispatchRequest) -> [String] {
        let event: String = switch dispatch.event {
        case .acknowledged: "eyes"
        case .resolved: "white_check_mark"
        case .escalated: "arrow_double_up"
        default: dispatch.severity == .critical ? "rotating_light" : dispatch.severity == .info ? "information_source" : "warning"
        }
        return [event, dispatch.severity.rawValue]
    }

    /// The JSON publish body (https://docs.ntfy.sh/publish/#publish-as-json).
    static func message(_ dispatch: DispatchRequest) -> JSONValue {
        var message: [String: JSONValue] = [
            "topic": .string(dispatch.recipient.address),
            "title": .string(Truncation.text(dispatch.title, maxCharacters: 250)),
            "message": .string(Truncation.text(dispatch.body.isEmpty ? dispatch.title : dispatch.body, maxUTF8: maxMessageBytes)),
            "priority": .number(Double(priority(dispatch.severity))),
            "tags": .array(tags(dispatch).map { .string($0) }),
        ]
        if let link = dispatch.links.first { message["click"] = .string(link.href) }
        // Buttons that call back: each action link, POSTed by the phone (ingest's `/a/{token}` acknowledges or resolves).
        var actions: [JSONValue] = dispatch.actions.compactMap { action in
            action.url.map {
                .object(["action": .string("http"), "label": .string(action.action.rawValue.capitalized), "url": .string($0),
                         "method": .string("POST"), "clear": .bool(true)])
            }
        }
        for link in dispatch.links.dropFirst(message["click"] == nil ? 0 : 1) where actions.count < maxActions {
            actions.append(.object(["action": .string("view"), "label": .string(Truncation.text(link.text ?? "Open", maxCharacters: 40)),
                                    "url": .string(link.href)]))
        }
        if !actions.isEmpty { message["actions"] = .array(Array(actions.prefix(maxActions))) }
        return .object(message)
    }
}
