// The PagerDuty Events API v2 shape: routing_key, event_action, dedup_key, payload{...}, links.
import Contracts
import Foundation

enum PagerDutyShape {
    static func matches(_ object: [String: JSONValue]) -> Bool {
        object["event_action"] != nil || object["routing_key"] != nil
    }

    /// Mapping: payload.component → service, payload.group → category, payload.class → type; the routing key is
    /// dropped (it is a credential in PagerDuty's world), custom_details become details.
    static func parse(_ object: [String: JSONValue]) throws(MessageRejection) -> AlertIntake {
        let fields = JSONFields(object)
        guard let actionText = try fields.string("event_action") else {
            throw MessageRejection(.missingField, "event_action is required (trigger, acknowledge or resolve)", field: "event_action")
        }
        guard let action = AlertIntake.Action(rawValue: actionText.lowercased()) else {
            throw MessageRejection(.unknownAction, "event_action must be trigger, acknowledge or resolve, not \"\(actionText.prefix(40))\"",
                                  field: "event_action")
        }
        let dedupKey = try fields.identifier("dedup_key")
        if action != .trigger {
            guard let dedupKey else {
                throw MessageRejection(.missingField, "dedup_key is required to \(action.rawValue) an alert", field: "dedup_key")
            }
            return AlertIntake(action: action, dedupKey: dedupKey, summary: "", format: .pagerduty)
        }
        guard let payloadObject = try fields.object("payload") else {
            throw MessageRejection(.missingField, "payload is required for a trigger", field: "payload")
        }
        let payload = JSONFields(payloadObject, path: "payload")
        guard let severity = try payload.severity("severity") else {
            throw MessageRejection(.missingField, "payload.severity is required (critical, error, warning or info)", field: "payload.severity")
        }
        var details: [String: JSONValue] = [:]
        if let custom = payloadObject["custom_details"], custom != .null {
            if case .object(let object) = custom { details = object } else { details["custom_details"] = custom }
        }
        if let timestamp = try payload.string("timestamp") { details["timestamp"] = .string(timestamp) }
        if let client = try fields.string("client") { details["client"] = .string(client) }
        var links = try fields.links("links")
        if let clientURL = try fields.string("client_url") { links.append(AlertLink(href: clientURL, text: try fields.string("client"))) }
        return AlertIntake(action: .trigger, dedupKey: dedupKey, severity: severity,
                           summary: try payload.requiredString("summary"),
                           category: try payload.string("group"), type: try payload.string("class"),
                           service: try payload.string("component"), source: try payload.requiredString("source"),
                           deadline: nil, details: details, links: links, format: .pagerduty)
    }
}
