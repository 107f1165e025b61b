// What a mail says, in a plain-text and an HTML part: the update or notification, severity, summary, service, source,
// details, links, and the alert's action links (buttons in HTML).
import Contracts
import Foundation

public struct EmailContent: Sendable {
    public let dispatch: DispatchRequest

    public init(dispatch: DispatchRequest) { self.dispatch = dispatch }

    /// Severity and summary; updates answer the first mail's subject, so every client threads them.
    public var subject: String {
        let alert = dispatch.alert
        let base = "[\(alert.severity.rawValue.uppercased())] \(alert.summary)"
        return dispatch.kind == .update ? "Re: \(base)" : base
    }

    /// (label, value) rows of the alert's facts.
    var facts: [(String, String)] {
        let alert = dispatch.alert
        var rows: [(String, String)] = [("Severity", alert.severity.rawValue.uppercased()), ("Summary", alert.summary)]
        if let service = alert.service { rows.append(("Service", service)) }
        if let source = alert.source { rows.append(("Source", source)) }
        rows.append(("Status", alert.status.rawValue))
        return rows
    }

    var details: [(String, String)] {
        dispatch.alert.details.sorted { $0.key < $1.key }.map { ($0.key, Self.render($0.value)) }
    }

    var links: [(String, String)] {
        (dispatch.links.isEmpty ? dispatch.alert.links : dispatch.links).map { ($0.text ?? $0.href, $0.href) }
    }

    /// Action links that can be followed (a URL under `http.public_base_url`).
    var actions: [(String, String)] {
        dispatch.actions.compactMap { action in action.url.map { (Self.label(action.action), $0) } }
    }

    public var text: String {
        var lines = [dispatch.title, ""]
        lines += dispatch.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.append("")
        lines += facts.map { "\($0.0): \($0.1)" }
        if !details.isEmpty {
            lines.append("Details:")
            lines += details.map { "  \($0.0): \($0.1)" }
        }
        if !links.isEmpty {
            lines.append("Links:")
            lines += links.map { "  \($0.0): \($0.1)" }
        }
        if !actions.isEmpty {
            lines.append("")
            lines += actions.map { "\($0.0): \($0.1)" }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public var html: String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&#39;")
        }
        func href(_ url: String) -> String {
            let lower = url.lowercased()
            return lower.hasPrefix("https://") || lower.hasPrefix("http://") ? escape(url) : "#"
        }
        var parts = ["<!DOCTYPE html>", "<html><body style=\"font-family:sans-serif\">",
                     "<h2 style=\"color:\(Self.colour(dispatch.severity))\">\(escape(dispatch.title))</h2>"]
        parts += dispatch.body.split(separator: "\n").map { "<p>\(escape(String($0)))</p>" }
        parts.append("<table>")
        parts += facts.map { "<tr><th align=\"left\">\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }
        parts.append("</table>")
        if !details.isEmpty {
            parts.append("<h3>Details</h3><table>")
            parts += details.map { "<tr><th align=\"left\">\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }
            parts.append("</table>")
        }
        if !links.isEmpty {
            parts.append("<h3>Links</h3><ul>")
            parts += links.map { "<li><a href=\"\(href($0.1))\">\(escape($0.0))</a></li>" }
            parts.append("</ul>")
        }
        if !actions.isEmpty {
            parts.append("<p>")
            parts += actions.map {
                "<a href=\"\(href($0.1))\" style=\"display:inline-block;padding:10px 18px;margin-right:8px;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:4px\">\(escape($0.0))</a>"
            }
            parts.append("</p>")
        }
        parts.append("</body></html>")
        return parts.joined(separator: "\r\n") + "\r\n"
    }

    static func label(_ action: AckCommand.Action) -> String {
        switch action {
        case .acknowledge: "Acknowledge"
        case .resolve: "Resolve"
        case .escalate: "Escalate"
        default: action.rawValue.capitalized
        }
    }

    static func colour(_ severity: Severity) -> String {
        switch severity {
        case .critical: "#b60205"
        case .error: "#d93f0b"
        case .warning: "#b08800"
        case .info: "#0366d6"
        }
    }

    static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text): text
        case .array, .object:
            (try? String(decoding: JSONCoding.encode(value), as: UTF8.self)) ?? ""
        }
    }
}
