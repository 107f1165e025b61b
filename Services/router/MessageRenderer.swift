// The words of a notification: one title and body per lifecycle event, the same on every channel.
import Contracts
import Foundation

public enum MessageRenderer {
    public static func title(for event: AlertEvent) -> String {
        let alert = event.alert
        let severity = alert.severity.rawValue.uppercased()
        switch event.kind {
        case .triggered, .updated: return "[\(severity)] \(alert.summary)"
        case .acknowledged: return "[ACKNOWLEDGED] \(alert.summary)"
        case .resolved: return "[RESOLVED] \(alert.summary)"
        case .escalated: return "[ESCALATED] \(alert.summary)"
        case .noted: return "[NOTE] \(alert.summary)"
        }
    }

    public static func body(for event: AlertEvent) -> String {
        let alert = event.alert
        var lines: [String] = []
        switch event.kind {
        case .triggered, .updated: lines.append(alert.summary)
        case .acknowledged: lines.append("Acknowledged\(event.by.map { " by \($0)" } ?? "").")
        case .resolved: lines.append("Resolved\(event.by.map { " by \($0)" } ?? "").")
        case .escalated: lines.append("Escalated\(event.by.map { " by \($0)" } ?? ""): \(event.reason ?? "")")
        case .noted: lines.append("\(event.by ?? "Someone") noted: \(event.note ?? "")")
        }
        var facts: [String] = []
        if let service = alert.service { facts.append("service: \(service)") }
        if let source = alert.source { facts.append("source: \(source)") }
        if let category = alert.category { facts.append("category: \(category)") }
        if let deadline = alert.deadline { facts.append("deadline: \(RFC3339.string(from: deadline))") }
        if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
        return lines.joined(separator: "\n")
    }
}
