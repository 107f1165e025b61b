// Each service's HTTP side: /healthz, /metrics, and whatever routes the service adds (callbacks, action links).
import Foundation
import Hummingbird
import Logging
import NIOCore

public typealias HTTPRouter = Router<BasicRequestContext>

enum HTTPEndpoint {
    static func makeApplication(address: HTTPAddress, health: HealthState, logger: Logger,
                                routes: (HTTPRouter) -> Void,
                                onRunning: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = HTTPRouter()
        router.get("healthz") { _, _ -> Response in
            let report = health.report
            let body = (try? JSONEncoder().encode(report)) ?? Data()
            return Response(status: report.status == "ok" ? .ok : .serviceUnavailable,
                            headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: MetricsRegistry.exposition())))
        }
        routes(router)
        return Application(router: router,
                           configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
                           onServerRunning: { channel in onRunning(channel.localAddress?.port ?? address.port) },
                           logger: logger)
    }
}
