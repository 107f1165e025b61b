// The HTTP receiver inside the bench process: webhook-gateway and Alertmanager POST here; it stamps each alert's arrival.
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Answers 200 to every POST and records the receive time of each `bench_seq` in the body.
final class AlertReceiver: @unchecked Sendable {
    let ledger: DeliveryLedger
    private(set) var port = 0
    private var runTask: Task<Void, Never>?
    private let lock = NSLock()
    private var requestCount = 0
    private var unmatched = 0

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: Int { lock.withLock { requestCount } }
    /// Requests without any bench sequence number (should stay 0).
    var unmatchedRequests: Int { lock.withLock { unmatched } }

    init(ledger: DeliveryLedger) { self.ledger = ledger }

    func start() async throws {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder { [weak self] (request: Request, _: BasicRequestContext) in
            let buffer = try await request.body.collect(upTo: 16 << 20)
            let now = monotonicNanos()
            let seqs = buffer.withUnsafeReadableBytes { BenchSequence.scan($0) }
            if let self {
                self.ledger.markReceived(seqs, at: now)
                self.lock.withLock {
                    self.requestCount += 1
                    if seqs.isEmpty { self.unmatched += 1 }
                }
            }
            return Response(status: .ok)
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), backlog: 1024),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: "bench-receiver", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let task = Task {
            do { try await app.run() } catch {}
            portContinuation.finish()
        }
        runTask = task
        for await bound in ports where bound > 0 {
            port = bound
            return
        }
        task.cancel()
        throw BenchError(code: .receiver, message: "the HTTP receiver stopped before it listened")
    }

    func stop() { runTask?.cancel() }
}
