// The native alert shape (docs/asyncapi.yaml, `NativeAlert`); fields beyond the known ones are kept in `details`.
import Contracts
import Foundation

enum NativeShape {
    static let knownKeys: Set<String> = ["action", "dedup_key", "category", "type", "severity", "summary", "service",
                                         "source", "deadline", "details", "links"]

    static func parse(_ object: [String: JSONValue]) throws(MessageRejection) -> AlertIntake {
        let fields = JSONFields(object)
        let action: AlertIntake.Action
        if let text = try fields.string("action") {
            guard let parsed = AlertIntake.Action(rawValue: text.lowercased()) else {
                throw MessageRejection(.unknownAction, "action must be trigger, acknowledge or resolve, not \"\(text.prefix(40))\"", field: "action")
            }
            action = parsed
        } else {
            action = .trigger
        }
        let dedupKey = try fields.identifier("dedup_key")
        if action != .trigger, dedupKey == nil {
            throw MessageRejection(.missingField, "dedup_key is required to \(action.rawValue) an alert", field: "dedup_key")
        }
        // Acknowledge and resolve name an existing alert: their summary is optional.
        let summary = action == .trigger ? try fields.requiredString("summary") : (try fields.string("summary") ?? "")
        var details = try fields.object("details") ?? [:]
        for (key, value) in object where !knownKeys.contains(key) && details[key] == nil {
            details[key] = value
        }
        return AlertIntake(action: action, dedupKey: dedupKey, severity: try fields.severity("severity") ?? IntakeDefaults.severity,
                           summary: summary, category: try fields.string("category"), type: try fields.string("type"),
                           service: try fields.string("service"), source: try fields.string("source"),
                           deadline: try fields.time("deadline"), details: details, links: try fields.links("links"), format: .native)
    }
}
