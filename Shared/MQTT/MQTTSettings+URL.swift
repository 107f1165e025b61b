// MQTTSettings from a broker URL such as "mqtt://user:pass@host:1883" or "mqtts://host:8883".
internal import CMosquitto
import Foundation

extension MQTTSettings {
    /// Parses "mqtt://host[:port]" or "mqtt://user:pass@host[:port]"; the port defaults to 1883. "mqtts://" turns on TLS
    /// with hostname verification and the system's CAs (set `tls` for a CA file or a client certificate), port 8883.
    public static func parse(url: String, clientID: String) throws -> MQTTSettings {
        func invalid(_ why: String) -> MQTTError {
            MQTTError(code: MOSQ_ERR_INVAL.rawValue, message: "invalid broker URL (\(why)); expected mqtt[s]://[user:pass@]host[:port]")
        }
        guard let components = URLComponents(string: url) else { throw invalid("not a URL") }
        let scheme = components.scheme?.lowercased()
        guard scheme == "mqtt" || scheme == "mqtts" else { throw invalid("scheme must be mqtt or mqtts") }
        guard let host = components.host, !host.isEmpty else { throw invalid("missing host") }
        guard components.path.isEmpty || components.path == "/" else { throw invalid("unexpected path") }
        guard components.query == nil, components.fragment == nil else { throw invalid("unexpected query or fragment") }
        let port = components.port ?? (scheme == "mqtts" ? 8883 : 1883)
        guard (1...65535).contains(port) else { throw invalid("port out of range") }
        var settings = MQTTSettings(clientID: clientID, host: host, port: port)
        if scheme == "mqtts" { settings.tls = MQTTTLS() }
        if let user = components.user, !user.isEmpty {
            settings.username = user
            settings.password = components.password
        } else if components.password != nil {
            throw invalid("password without user")
        }
        return settings
    }
}
