// The MQTT client as a lifecycle service: started after the store's parts, stopped after every part that publishes,
// flushing its publishes on the way out.
import Foundation
import Logging
import MQTT
import ServiceLifecycle

struct MQTTLoopService: Service {
    let client: MQTTClient
    let relay: OutboxRelay
    /// The client's sink (held weakly by the client): messages that arrive while the loop drains are still committed.
    let consumer: DurableConsumer
    let shutdownTimeout: Double

    func run() async throws {
        try client.start()
        try? await gracefulShutdown()
        let (client, relay, consumer, timeout) = (client, relay, consumer, shutdownTimeout)
        // Blocks until the outbox is acknowledged; then what the broker acknowledged is deleted and the rows the
        // replay window keeps are recorded for the next start.
        await blockingWait {
            client.shutdown(timeout: timeout)
            relay.flushAcknowledged()
            relay.persistKept()
            withExtendedLifetime(consumer) {}
        }
    }
}
