// MQTTSettings from a broker URL such as "mqtt://user:pass@host:1883".
import CMosquitto
import Foundation

extension MQTTSettings {
    /// Parses "mqtt://host[:port]" or "mqtt://user:pass@host[:port]"; the port defaults to 1883.
    public static func parse(url: String, clientID: String) throws -> MQTTSettings {
        func invalid(_ why: String) -> MQTTError {
            MQTTError(code: MOSQ_ERR_INVAL.rawValue, message: "invalid broker URL (\(why)); expected mqtt://[user:pass@]host[:port]")
        }
        guard let components = URLComponents(string: url) else { throw invalid("not a URL") }
        guard components.scheme?.lowercased() == "mqtt" else { throw invalid("scheme must be mqtt") }
        guard let host = components.host, !host.isEmpty else { throw invalid("missing host") }
        guard components.path.isEmpty || components.path == "/" else { throw invalid("unexpected path") }
        guard components.query == nil, components.fragment == nil else { throw invalid("unexpected query or fragment") }
        let port = components.port ?? 1883
        guard (1...65535).contains(port) else { throw invalid("port out of range") }
        var settings = MQTTSettings(clientID: clientID, host: host, port: port)
        if let user = components.user, !user.isEmpty {
            settings.username = user
            settings.password = components.password
        } else if components.password != nil {
            throw invalid("password without user")
        }
        return settings
    }
}
