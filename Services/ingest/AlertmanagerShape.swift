// The Prometheus Alertmanager webhook (version 4) shape: several alerts per message, firing or resolved.
import Contracts
import Foundation

enum AlertmanagerShape {
    static func matches(_ object: [String: JSONValue]) -> Bool {
        guard case .array? = object["alerts"] else { return false }
        return object["version"] != nil || object["groupKey"] != nil || object["receiver"] != nil
    }

    /// Mapping per alert: fingerprint → dedup key; annotations.summary (or description, or the alertname) → summary;
    /// labels.severity → severity (common spellings folded, default warning); labels.service/category/type → the same;
    /// labels.instance (or job) → source; labels and annotations → details; generatorURL → a link.
    static func parse(_ object: [String: JSONValue]) throws(MessageRejection) -> [AlertIntake] {
        let fields = JSONFields(object)
        let items = try fields.array("alerts") ?? []
        guard !items.isEmpty else {
            throw MessageRejection(.invalidValue, "alerts must hold at least one alert", field: "alerts")
        }
        let groupStatus = try fields.string("status")
        let externalURL = try fields.string("externalURL")
        return try items.enumerated().map { (index, item) throws(MessageRejection) -> AlertIntake in
            let path = "alerts[\(index)]"
            guard case .object(let alertObject) = item else {
                throw MessageRejection(.wrongType, "\(path) must be an object, not \(item.typeName)", field: path)
            }
            return try parseAlert(JSONFields(alertObject, path: path), groupStatus: groupStatus, externalURL: externalURL)
        }
    }

    private static func parseAlert(_ alert: JSONFields, groupStatus: String?, externalURL: String?) throws(MessageRejection) -> AlertIntake {
        let labels = try stringMap(alert, "labels")
        let annotations = try stringMap(alert, "annotations")
        let status = try alert.string("status") ?? groupStatus ?? "firing"
        let action: AlertIntake.Action
        switch status {
        case "firing": action = .trigger
        case "resolved": action = .resolve
        default:
            throw MessageRejection(.invalidValue, "\(alert.fieldPath("status")) must be firing or resolved, not \"\(status.prefix(40))\"",
                                  field: alert.fieldPath("status"))
        }
        let dedupKey = try alert.string("fingerprint") ?? (labels.isEmpty ? nil : fingerprint(labels))
        guard let summary = annotations["summary"] ?? annotations["description"] ?? labels["alertname"], !summary.isEmpty else {
            throw MessageRejection(.missingField, "\(alert.fieldPath("annotations.summary")) or labels.alertname is required",
                                  field: alert.fieldPath("annotations.summary"))
        }
        var details: [String: JSONValue] = [:]
        if !labels.isEmpty { details["labels"] = .object(labels.mapValues { .string($0) }) }
        if !annotations.isEmpty { details["annotations"] = .object(annotations.mapValues { .string($0) }) }
        if let startsAt = try alert.string("startsAt") { details["starts_at"] = .string(startsAt) }
        var links: [AlertLink] = []
        if let generator = try alert.string("generatorURL"), !generator.isEmpty { links.append(AlertLink(href: generator, text: "Source")) }
        if let externalURL, !externalURL.isEmpty { links.append(AlertLink(href: externalURL, text: "Alertmanager")) }
        var deadline: Date?
        if let text = labels["deadline"] ?? annotations["deadline"] { deadline = RFC3339.date(from: text) }
        return AlertIntake(action: action, dedupKey: dedupKey, severity: severity(labels["severity"]), summary: summary,
                           category: labels["category"], type: labels["type"] ?? labels["alertname"], service: labels["service"],
                           source: labels["instance"] ?? labels["job"], deadline: deadline, details: details, links: links,
                           format: .alertmanager, quietIfUnknown: action == .resolve)
    }

    private static func stringMap(_ fields: JSONFields, _ key: String) throws(MessageRejection) -> [String: String] {
        guard let object = try fields.object(key) else { return [:] }
        var result: [String: String] = [:]
        for (name, value) in object {
            guard case .string(let text) = value else {
                let path = "\(fields.fieldPath(key)).\(name)"
                throw MessageRejection(.wrongType, "\(path) must be a string, not \(value.typeName)", field: path)
            }
            result[name] = text
        }
        return result
    }

    static func severity(_ label: String?) -> Severity {
        switch label?.lowercased() {
        case "critical", "page", "p1", "fatal", "emergency": .critical
        case "error", "high", "major", "p2": .error
        case "info", "low", "none", "p4", "p5", "informational": .info
        default: .warning
        }
    }

    /// Alertmanager's fingerprint is a hash of the label set; when a sender leaves it out, make a stable one.
    static func fingerprint(_ labels: [String: String]) -> String {
        MessageID.derived(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}"))
    }
}
