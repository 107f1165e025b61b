// Builds the Slack gateway from the common flags: its provider on top of `GatewayKit`, its message table, and the
// interactivity endpoint `POST /slack/actions`.
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceKit
import Store

public enum SlackGatewayService {
    public static let name = "slack-gateway"
    public static let defaultHTTPPort = 8084
    public static let channel = "slack"
    /// A callback carries the message it came from (up to 50 blocks); anything larger is not one of Slack's.
    static let maxCallbackBytes = 512 << 10

    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        try Gateway.makeRuntime(service: name, options: options, defaultHTTPPort: defaultHTTPPort, channels: [channel],
                                migrations: SlackMessages.migrations)
    }

    /// - Parameter provider: nil: the Slack provider over the runtime's store.
    /// One attempt at a time per conversation: a message's post, edits and thread notes go in order (the pacing of a
    /// Slack channel, one message a second, leaves nothing to gain from more).
    public static let settings = GatewaySettings(maxInFlightPerDestination: 1)

    public static func run(_ runtime: ServiceRuntime, provider: SlackProvider? = nil, settings: GatewaySettings = SlackGatewayService.settings,
                           environment: [String: String] = ProcessInfo.processInfo.environment, installSignalHandlers: Bool = true) async throws {
        let provider = provider ?? SlackProvider(store: runtime.store, environment: environment)
        let config = runtime.config
        let handler = SlackActionHandler(config: { config.current }, environment: environment)
        let publisher = SlackAckPublisher(runtime: runtime)
        let refusals = LogThrottle()
        let pruneMessages = PruneStep.rows("slack messages") { db, before, limit in try SlackMessages.prune(db, before: before, limit: limit) }
        try await Gateway.run(runtime, provider: provider, settings: settings, routes: { router in
            router.post("slack/actions") { request, _ -> Response in
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: maxCallbackBytes)
                } catch {
                    return text(413, "payload_too_large: a callback is at most \(maxCallbackBytes) bytes")
                }
                let answer = handler.handle(signature: request.headers[HTTPField.Name("X-Slack-Signature")!],
                                            timestamp: request.headers[HTTPField.Name("X-Slack-Request-Timestamp")!],
                                            body: Data(body.readableBytesView))
                if let ack = answer.ack {
                    do {
                        try publisher.publish(ack.command, tenant: ack.tenant, alertId: ack.alertId)
                    } catch {
                        runtime.logger.error("could not store the ack of a Slack button: \(error)")
                        return text(503, "unavailable: try again")
                    }
                }
                // One line a minute per kind of refusal: a flood of forged callbacks does not flood the log (the counter counts).
                if answer.ack == nil, let held = refusals.admit(SlackActionHandler.label(answer)) {
                    runtime.logger.notice("slack callback refused: \(answer.text)\(LogThrottle.heldNote(held))")
                }
                return text(answer.status, answer.status == 200 ? "" : answer.text)
            }
        }, pruneSteps: [pruneMessages], installSignalHandlers: installSignalHandlers)
    }

    static func text(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
