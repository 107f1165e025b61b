// Builds the webhook gateway from the common flags: its provider on top of `GatewayKit`.
import Config
import Contracts
import GatewayKit
import HTTPClient
import ServiceKit

public enum WebhookGatewayService {
    public static let name = "webhook-gateway"
    public static let defaultHTTPPort = 8085
    /// The channel whose dispatches this gateway delivers (Teams, Google Chat and Discord are webhook types).
    public static let channel = "webhook"

    /// `webhook`, and `push` when an ntfy server is configured (globally or for a tenant): off otherwise, so the router
    /// holds nothing for a push gateway that is not there. Read at start; a new ntfy server needs a restart.
    public static func channels(config: AlertingConfig) -> [String] {
        let push = config.channels.push?.ntfyURL != nil || config.tenants.contains { $0.channels.push?.ntfyURL != nil }
        return push ? [channel, NtfyPush.channel] : [channel]
    }

    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        let config = try ConfigStore(path: options.config, logger: .init(label: "alerting.\(name).config")).current
        return try Gateway.makeRuntime(service: name, options: options, defaultHTTPPort: defaultHTTPPort, channels: channels(config: config))
    }

    /// - Parameter provider: nil: the webhook provider, with `push` when the runtime consumes it.
    public static func run(_ runtime: ServiceRuntime, provider: WebhookProvider? = nil, settings: GatewaySettings = GatewaySettings(),
                           installSignalHandlers: Bool = true) async throws {
        let provider = provider ?? WebhookProvider(push: channels(config: runtime.config.current).contains(NtfyPush.channel))
        try await Gateway.run(runtime, provider: provider, settings: settings, installSignalHandlers: installSignalHandlers)
    }
}
