// Builds the SMS and WhatsApp gateway from the common flags: the Twilio provider on top of `GatewayKit`, and the HTTP
// endpoints Twilio calls (`/twilio/status`, `/twilio/inbound`).
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceKit
import Store

public enum SMSWhatsAppGatewayService {
    public static let name = "sms-whatsapp-gateway"
    public static let defaultHTTPPort = 8086
    public static let channels = [TwilioProvider.smsChannel, TwilioProvider.whatsappChannel]
    /// Larger bodies are not Twilio's callbacks.
    static let maxCallbackBytes = 64 * 1024

    public static func makeRuntime(options: ServiceOptions) throws -> ServiceRuntime {
        try Gateway.makeRuntime(service: name, options: options, defaultHTTPPort: defaultHTTPPort, channels: channels,
                                migrations: TwilioRecords.migrations)
    }

    /// - Parameter provider: nil: the Twilio provider with this process's environment and the runtime's store.
    public static func run(_ runtime: ServiceRuntime, provider: TwilioProvider? = nil, settings: GatewaySettings = GatewaySettings(threads: 4),
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           installSignalHandlers: Bool = true) async throws {
        var provider = provider ?? TwilioProvider(environment: environment)
        if provider.store == nil { provider.store = runtime.store }
        if provider.logger == nil { provider.logger = runtime.logger }
        // A missing Twilio secret is warned about once by the configuration's loading; each dispatch then fails saying so.
        let intake = GatewayIntake()
        let status = StatusCallbacks(runtime: runtime, intake: intake, environment: provider.environment)
        let inbound = InboundReplies(runtime: runtime, environment: provider.environment, clock: provider.clock)
        let store = runtime.store
        let logger = runtime.logger
        let pruning = PeriodicTask(every: 3_600) {
            do {
                _ = try store.write { try TwilioRecords.prune($0, before: Date().addingTimeInterval(-InboundReplies.replyWindow), limit: 10_000) }
            } catch {
                logger.error("could not prune the alerts sent to each number: \(error)")
            }
        }
        try await Gateway.run(runtime, provider: provider, settings: settings, services: [pruning], routes: { router in
            router.post("twilio/status") { request, _ in try await answer(request, status.handle) }
            router.post("twilio/inbound") { request, _ in try await answer(request, inbound.handle) }
        }, intake: intake, installSignalHandlers: installSignalHandlers)
    }

    static let signatureHeader = HTTPField.Name("X-Twilio-Signature")!

    private static func answer(_ request: Request, _ handle: @escaping @Sendable (String, Data, String?) -> CallbackAnswer) async throws -> Response {
        let answer: CallbackAnswer
        do {
            let buffer = try await request.body.collect(upTo: maxCallbackBytes)
            // The store is written synchronously, briefly; off the event loop.
            let target = request.uri.description
            let signature = request.headers[signatureHeader]
            let body = Data(buffer.readableBytesView)
            answer = await Task.detached { handle(target, body, signature) }.value
        } catch {
            TwilioMetrics.callback("request", "oversize")
            answer = .rejected(413, "the body is over \(maxCallbackBytes) bytes")
        }
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
