// Rules import/export: a tenant's routes as JSON or YAML, an import validated as a whole (every error
// with its key path), and a plain-English preview of each rule.
import Config
import Contracts
import Foundation

public enum RouteRules {
    public enum Format: String, Sendable, CaseIterable { case json, yaml }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let code: String
        public let message: String
        public init(code: String, message: String) { self.code = code; self.message = message }
        public var description: String { message }
    }

    // MARK: export

    public static func export(_ routes: [Route], format: Format) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(["routes": routes]), as: UTF8.self) + "\n"
        case .yaml:
            return yaml(routes)
        }
    }

    /// The routes as a YAML `routes:` block, keys in the order the configuration documents them.
    public static func yaml(_ routes: [Route], indent: String = "") -> String {
        var out = "\(indent)routes:\(routes.isEmpty ? " []" : "")\n"
        for route in routes {
            var lines: [String] = ["id: \(scalar(route.id))"]
            var match: [String] = []
            if let category = route.match.category { match.append("category: \(scalar(category))") }
            if let type = route.match.type { match.append("type: \(scalar(type))") }
            lines.append("match: {\(match.joined(separator: ", "))}")
            if let roles = route.targetRoles { lines.append("target_roles: \(list(roles))") }
            if let channels = route.channels { lines.append("channels: \(list(channels.map(\.rawValue)))") }
            lines.append("priority: \(route.priority.rawValue)")
            if let slack = route.slackChannel { lines.append("slack_channel: \(scalar(slack))") }
            if let role = route.escalateToRole { lines.append("escalate_to_role: \(scalar(role))") }
            if let after = route.escalateAfter { lines.append("escalate_after: \(after)") }
            if let top = route.escalateToTopAfter { lines.append("escalate_to_top_after: \(top)") }
            if let thresholds = route.deadlineThresholds { lines.append("deadline_thresholds: [\(thresholds.map(String.init).joined(separator: ", "))]") }
            lines.append("enabled: \(route.enabled)")
            out += "\(indent)  - " + lines.joined(separator: "\n\(indent)    ") + "\n"
        }
        return out
    }

    static func list(_ values: [String]) -> String { "[" + values.map(scalar).joined(separator: ", ") + "]" }

    /// Plain when YAML reads it back as the same string, JSON-quoted otherwise.
    static func scalar(_ text: String) -> String {
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]
        let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
            && (text.first?.isLetter ?? false) && !reserved.contains(text.lowercased())
        if plain { return text }
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: import

    /// Decodes and validates imported routes against the tenant's directory: the whole file is refused on any
    /// error, and every error is reported with its key path (`routes[2].priority`). Accepts the export formats
    /// (`routes:` in YAML, `{"routes": […]}` in JSON) or a bare list.
    public static func importRoutes(_ text: String, into config: AlertingConfig, tenant tenantID: String) throws -> AlertingConfig {
        guard let index = config.tenants.firstIndex(where: { $0.id == tenantID }) else {
            throw ConfigErrors([ConfigError(path: "", code: .unknownReference, message: "no tenant \"\(tenantID)\" in the configuration")])
        }
        let document = try probeDocument(config: config, tenantIndex: index, routesText: text)
        let probe: AlertingConfig
        do {
            probe = try ConfigLoader.parse(yaml: document)
        } catch {
            let prefix = "tenants[0]."
            throw ConfigErrors(error.errors.map { issue in
                ConfigError(path: issue.path.hasPrefix(prefix) ? String(issue.path.dropFirst(prefix.count)) : issue.path,
                            code: issue.code, message: issue.message)
            })
        }
        var merged = config
        merged.tenants[index].routes = probe.tenants[0].routes
        return merged
    }

    /// A configuration with only this tenant, every key but `routes` as one-line JSON (valid YAML flow), and the
    /// imported routes under `routes`, so the ordinary loader decodes and validates them with key paths.
    static func probeDocument(config: AlertingConfig, tenantIndex: Int, routesText: String) throws -> String {
        func json(_ value: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        var document = "broker: \(try json(config.broker))\nlimits: \(try json(config.limits))\nhttp: \(try json(config.http))\n"
        document += "channels: \(try json(config.channels))\ntenants:\n"
        let tenantObject = try JSONSerialization.jsonObject(with: Data(try json(config.tenants[tenantIndex]).utf8)) as? [String: Any] ?? [:]
        var first = true
        for key in tenantObject.keys.sorted() where key != "routes" {
            let value = try JSONSerialization.data(withJSONObject: tenantObject[key]!, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
            document += (first ? "  - " : "    ") + "\(key): \(String(decoding: value, as: UTF8.self))\n"
            first = false
        }
        let trimmed = routesText.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) else {
                throw ConfigErrors([ConfigError(path: "", code: .syntax, message: "invalid JSON")])
            }
            let routes: Any
            if let object = parsed as? [String: Any] {
                guard let list = object["routes"], object.count == 1 else {
                    throw ConfigErrors([ConfigError(path: "", code: .invalidValue, message: "the file must hold only \"routes\"")])
                }
                routes = list
            } else {
                routes = parsed
            }
            let data = try JSONSerialization.data(withJSONObject: routes, options: [.withoutEscapingSlashes])
            document += "    routes: \(String(decoding: data, as: UTF8.self))\n"
        } else {
            let lines = routesText.split(separator: "\n", omittingEmptySubsequences: false)
            let topLevel = lines.filter { line in
                guard let first = line.first else { return false }
                return first != " " && first != "#" && first != "-"
            }
            if topLevel.isEmpty {
                document += "    routes:\n" + lines.map { "      " + $0 }.joined(separator: "\n") + "\n"
            } else {
                guard topLevel.allSatisfy({ $0.hasPrefix("routes:") }) else {
                    throw ConfigErrors([ConfigError(path: "", code: .invalidValue, message: "the file must hold only routes (a routes: key or a list)")])
                }
                document += lines.map { "    " + $0 }.joined(separator: "\n") + "\n"
            }
        }
        return document
    }

    /// The configuration file's text with one tenant's `routes:` block replaced (comments elsewhere kept).
    public static func replacingRoutes(in text: String, tenant tenantID: String, with routes: [Route]) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        func isContent(_ line: String) -> Bool {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.hasPrefix("#")
        }
        guard let idLine = lines.firstIndex(where: {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return trimmed == "- id: \(tenantID)" || trimmed == "- id: \"\(tenantID)\"" || trimmed == "- id: '\(tenantID)'"
        }) else { throw Failure(code: "tenant_not_found", message: "cannot find \"- id: \(tenantID)\" in the configuration file") }
        let keyIndent = indentation(lines[idLine]) + 2
        var end = idLine + 1
        while end < lines.count, !isContent(lines[end]) || indentation(lines[end]) >= keyIndent { end += 1 }
        while end > idLine + 1, !isContent(lines[end - 1]) { end -= 1 }
        let block = yaml(routes, indent: String(repeating: " ", count: keyIndent)).split(separator: "\n").map(String.init)
        if let start = (idLine + 1..<end).first(where: { indentation(lines[$0]) == keyIndent && lines[$0].dropFirst(keyIndent).hasPrefix("routes:") }) {
            var stop = start + 1
            while stop < end, !isContent(lines[stop]) || indentation(lines[stop]) > keyIndent { stop += 1 }
            while stop > start + 1, !isContent(lines[stop - 1]) { stop -= 1 }
            lines.replaceSubrange(start..<stop, with: block)
        } else {
            lines.insert(contentsOf: block, at: end)
        }
        return lines.joined(separator: "\n")
    }
}
