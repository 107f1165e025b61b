// The MQTT client as a lifecycle service: started first, stopped last, flushing its publishes on the way out.
import Foundation
import Logging
import MQTT
import ServiceLifecycle

struct MQTTLoopService: Service {
    let client: MQTTClient
    let shutdownTimeout: Double

    func run() async throws {
        try client.start()
        try? await gracefulShutdown()
        // shutdown blocks until the outbox is acknowledged: keep it off the cooperative pool.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let client = self.client
            let timeout = shutdownTimeout
            Thread.detachNewThread {
                client.shutdown(timeout: timeout)
                continuation.resume()
            }
        }
    }
}
