// Reads an interactivity callback (`payload=` form field holding Slack's JSON) down to what an ack needs.
import Contracts
import Foundation

public struct SlackActionRequest: Sendable, Equatable {
    public var teamID: String
    public var slackUser: String
    public var action: AckCommand.Action
    public var tenant: String
    public var alertId: String
    /// The router's action token the button carried, when it had one.
    public var token: String?
    /// Slack's id of the press: a repeat of one press is one ack.
    public var pressID: String

    /// The team of a callback, read before its signature is checked (it says whose secret checks it); nil when absent.
    public static func team(of body: Data) -> String? {
        guard let payload = try? payloadObject(body) else { return nil }
        return payload["team"]?.objectValue?["id"]?.stringValue ?? payload["user"]?.objectValue?["team_id"]?.stringValue
    }

    public static func parse(_ body: Data) throws(SlackError) -> SlackActionRequest {
        let payload = try payloadObject(body)
        guard payload["type"]?.stringValue == "block_actions" else {
            throw SlackError(code: "unsupported_type", "only block_actions callbacks are handled, not \(payload["type"]?.stringValue?.prefix(40) ?? "none")")
        }
        guard let team = payload["team"]?.objectValue?["id"]?.stringValue ?? payload["user"]?.objectValue?["team_id"]?.stringValue else {
            throw SlackError(code: "malformed", "team.id is missing")
        }
        guard let user = payload["user"]?.objectValue?["id"]?.stringValue, !user.isEmpty else { throw SlackError(code: "malformed", "user.id is missing") }
        guard let first = payload["actions"]?.arrayValue?.first?.objectValue, let actionID = first["action_id"]?.stringValue else {
            throw SlackError(code: "malformed", "actions[0].action_id is missing")
        }
        guard let action = AckCommand.Action(rawValue: actionID), action == .acknowledge || action == .resolve else {
            throw SlackError(code: "unknown_action", "action \(actionID.prefix(40)) is neither acknowledge nor resolve")
        }
        guard let valueText = first["value"]?.stringValue,
              let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(valueText.utf8)))?.objectValue,
              let tenant = value["tenant"]?.stringValue, let alertId = value["alert_id"]?.stringValue, !tenant.isEmpty, !alertId.isEmpty else {
            throw SlackError(code: "malformed", "the button's value names no tenant and alert")
        }
        let pressID = first["action_ts"]?.stringValue ?? payload["trigger_id"]?.stringValue ?? UUID().uuidString
        return SlackActionRequest(teamID: team, slackUser: user, action: action, tenant: tenant, alertId: alertId,
                                  token: value["token"]?.stringValue, pressID: "slack:\(team):\(user):\(pressID)")
    }

    static func payloadObject(_ body: Data) throws(SlackError) -> [String: JSONValue] {
        let form = String(decoding: body, as: UTF8.self)
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "payload" else { continue }
            guard let json = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  let object = (try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))?.objectValue else {
                throw SlackError(code: "malformed", "payload is not a JSON object")
            }
            return object
        }
        throw SlackError(code: "malformed", "no payload field in the form")
    }
}
