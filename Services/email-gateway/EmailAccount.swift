// A tenant's mail server and sender, resolved from the configuration and the environment at each attempt (so a reload
// applies); never printed with its password.
import Config
import Foundation
import GatewayKit

public struct EmailAccount: Sendable, Equatable {
    public var server: SMTPServer
    public var from: MailAddress
    public var requireTLS: Bool
    public var caFile: String?
    public var pacing: Pacing

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func resolve(tenant: String, config: AlertingConfig, environment: [String: String]) -> Result<EmailAccount, Problem> {
        guard let email = config.email(forTenant: tenant) else {
            return .failure(Problem(description: "e-mail is not configured (channels.email)"))
        }
        guard let variable = email.smtpURLEnv else {
            return .failure(Problem(description: "no SMTP server configured (channels.email.smtp_url_env)"))
        }
        guard let url = secret(named: variable, environment: environment) else {
            return .failure(Problem(description: "environment variable \(variable) (channels.email.smtp_url_env) is not set"))
        }
        guard let server = SMTPServer(url: url) else {
            return .failure(Problem(description: "environment variable \(variable) is not an smtp:// or smtps:// URL with a host"))
        }
        guard let written = email.from else {
            return .failure(Problem(description: "no sender configured (channels.email.from)"))
        }
        guard let from = MailAddress(written) else {
            return .failure(Problem(description: "channels.email.from is not an e-mail address"))
        }
        let pacing = email.pacing.map { Pacing(perSecond: $0.perSecond, burst: $0.burst) } ?? .unlimited
        return .success(EmailAccount(server: server, from: from, requireTLS: email.requiresTLS, caFile: email.caFile, pacing: pacing))
    }
}

/// `smtp://user:password@host:port` or `smtps://…`: where to connect, and with what credentials.
public struct SMTPServer: Sendable, Equatable {
    /// TLS from the first byte (`smtps://`, port 465 by default).
    public var implicitTLS: Bool
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init?(url text: String) {
        guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
              let host = url.host, !host.isEmpty else { return nil }
        implicitTLS = scheme == "smtps"
        self.host = host
        port = url.port ?? (implicitTLS ? 465 : 587)
        username = url.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
    }

    /// The URL curl connects to, without credentials. An IPv6 host keeps its brackets.
    var curlURL: String {
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(implicitTLS ? "smtps" : "smtp")://\(shown):\(port)"
    }

    /// Host and port: a queue's key and what logs show.
    public var label: String { "\(host):\(port)" }
}
