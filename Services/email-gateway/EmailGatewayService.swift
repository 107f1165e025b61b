// Builds the e-mail gateway from the common flags: the SMTP provider on top of `GatewayKit`.
import Config
import Foundation
import GatewayKit
import ServiceKit

public enum EmailGatewayService {
    public static let name = "email-gateway"
    public static let defaultHTTPPort = 8088
    public static let channels = [SMTPProvider.channel]

    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        try Gateway.makeRuntime(service: name, options: options, defaultHTTPPort: defaultHTTPPort, channels: channels)
    }

    /// - Parameter provider: nil: the SMTP provider with this process's environment.
    public static func run(_ runtime: ServiceRuntime, provider: SMTPProvider? = nil, settings: GatewaySettings = GatewaySettings(threads: 4),
                           installSignalHandlers: Bool = true) async throws {
        // A missing SMTP URL is warned about once by the configuration's loading; each dispatch then fails saying so.
        try await Gateway.run(runtime, provider: provider ?? SMTPProvider(), settings: settings, installSignalHandlers: installSignalHandlers)
    }
}
