// The runtime's service group over a real broker: the service's own parts stop in reverse order of their start, while
// the MQTT loop still runs (it stops after them and flushes their publishes), and a shutdown asked before the group
// runs is not lost.
import Foundation
import Harness
import MQTT
import ServiceKit
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

private struct NoMessages: MessageProcessor {
    func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {}
}

private final class EventLog: Sendable {
    private let events = Mutex<[String]>([])
    func append(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }
}

/// Records when it starts and when it is asked to stop, with whether the MQTT client was connected then.
private struct RecordingPart: Service {
    let name: String
    let client: MQTTClient
    let events: EventLog

    func run() async throws {
        events.append("\(name) started")
        try? await gracefulShutdown()
        let connected = client.isConnected
        events.append("\(name) stopping\(connected ? "" : " after the MQTT loop")")
    }
}

private func makeRuntime(_ name: String, broker: MosquittoBroker, directory: URL) throws -> ServiceRuntime {
    let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9"), in: directory)
    let options = try InProcessService.options(config: config, dataDir: directory, broker: broker, clientID: name)
    return try ServiceRuntime(name: name, options: options, defaultHTTPPort: 0, migrations: []) { _, _, _ in [] }
}

@Suite struct ServiceRuntimeTests {
    @Test(.timeLimit(.minutes(1)))
    func partsStopInReverseOrderBeforeTheMQTTLoop() async throws {
        let directory = temporaryDirectory("runtime-order")
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try await offThePool { try MosquittoBroker() }
        defer { broker.stop() }
        let runtime = try makeRuntime("order-test", broker: broker, directory: directory)
        let events = EventLog()
        let parts = ["first", "second", "third"].map { RecordingPart(name: $0, client: runtime.client, events: events) }
        let running = Task { try await runtime.run(processor: NoMessages(), services: parts, installSignalHandlers: false) }
        defer { running.cancel() }
        try await runtime.client.waitUntilConnected(timeout: 10)
        #expect(await eventually { events.all.count == 3 && runtime.httpPort != nil })

        await runtime.shutdown()
        try await running.value
        let stops = events.all.filter { $0.contains("stopping") }
        #expect(stops == ["third stopping", "second stopping", "first stopping"])
        #expect(!runtime.client.isConnected, "the MQTT loop stopped once the parts had")
    }

    @Test(.timeLimit(.minutes(1)))
    func aShutdownAskedBeforeTheGroupRunsStopsItAtOnce() async throws {
        let directory = temporaryDirectory("runtime-early-stop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try await offThePool { try MosquittoBroker() }
        defer { broker.stop() }
        let runtime = try makeRuntime("early-stop-test", broker: broker, directory: directory)
        let events = EventLog()
        await runtime.shutdown()
        // Returns (within the time limit) instead of running until a shutdown nobody asks for again.
        try await runtime.run(processor: NoMessages(), services: [RecordingPart(name: "part", client: runtime.client, events: events)],
                              installSignalHandlers: false)
        #expect(!runtime.client.isConnected)
    }
}
