// The outbox relay keeps at most `memoryLimit` rows in the MQTT client and reads the rest from the table as the broker
// acknowledges: a long backlog costs disk, not memory, and every row still goes out.
import Foundation
import GRDB
import Logging
import MQTT
import ServiceKit
import Store
import Synchronization
import Testing
import TestSupport

/// Hands the client's acknowledgements to the relay, as DurableConsumer does.
private final class RelaySink: MQTTSink, @unchecked Sendable {
    let relay = Mutex<OutboxRelay?>(nil)
    func mqttReceived(_ batch: [MQTTMessage]) throws {}
    func mqttDelivered(tokens: [Int64]) { relay.withLock { $0 }?.delivered(tokens: tokens) }
    func mqttConnected() {}
}

private struct RelayRig {
    let store: Store
    let client: MQTTClient
    let relay: OutboxRelay
    private let sink = RelaySink()  // the client holds its sink weakly

    init(broker: MosquittoBroker, name: String, memoryLimit: Int) throws {
        store = try Store(path: temporaryDirectory(name).appendingPathComponent("relay.sqlite").path)
        var settings = try MQTTSettings.parse(url: broker.url, clientID: "relay-\(name)")
        settings.cleanSession = true
        var logger = Logger(label: "test.relay")
        logger.logLevel = .warning
        client = MQTTClient(settings: settings, subscriptions: [], logger: logger)
        client.sink = sink
        relay = OutboxRelay(store: store, client: client, metrics: ServiceMetrics(service: "relay-test"), logger: logger, retries: HeldWork(),
                            memoryLimit: memoryLimit)
        sink.relay.withLock { $0 = relay }
    }

    func commit(_ payloads: [String], topic: String) throws -> [OutboxMessage] {
        try store.write { db in try payloads.map { try Outbox.enqueue(db, topic: topic, payload: Data($0.utf8)) } }
    }
}

/// Samples the rows the relay has in the client until `done`; returns the largest count seen.
private func watchInClient(_ relay: OutboxRelay, until done: @escaping @Sendable () -> Bool) async -> Int {
    var largest = 0
    while !done() {
        largest = max(largest, relay.inClient)
        try? await Task.sleep(nanoseconds: 500_000)
    }
    return largest
}

@Test func aBacklogLongerThanTheMemoryLimitWaitsInTheTableAndAllOfItGoesOut() async throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let recorder = try BusRecorder(broker: broker, topics: ["relay/#"])
    defer { recorder.stop() }
    let rig = try RelayRig(broker: broker, name: "relay-backlog", memoryLimit: 50)
    // Before the client runs: of 100 rows committed at once, 50 go to the client and the rest wait in the table.
    rig.relay.send(try rig.commit((0..<100).map { "first-\($0)" }, topic: "relay/first"))
    #expect(rig.relay.inClient == 50)
    #expect(rig.relay.isSpilled)
    try rig.client.start()
    defer { rig.client.shutdown(timeout: 5) }

    // Two threads commit 20 transactions of 100 rows each and hand each to the relay after its commit.
    let finished = Mutex(0)
    let watcher = Task { await watchInClient(rig.relay) { finished.withLock { $0 } == 2 && rig.client.pendingPublishes == 0 } }
    for writer in ["a", "b"] {
        Thread {
            for batch in 0..<20 {
                let rows = try! rig.commit((0..<100).map { "\(writer)-\(batch * 100 + $0)" }, topic: "relay/\(writer)")
                rig.relay.send(rows)
            }
            finished.withLock { $0 += 1 }
        }.start()
    }
    try await recorder.wait(timeout: 60, "4,100 relayed messages") { $0.count >= 4100 }
    let largest = await watcher.value
    #expect(largest <= 50, "the client never held more than the memory limit (saw \(largest))")
    let payloads = recorder.messages.map { String(decoding: $0.payload, as: UTF8.self) }
    let expected = Set(["a", "b"].flatMap { writer in (0..<2000).map { "\(writer)-\($0)" } } + (0..<100).map { "first-\($0)" })
    #expect(Set(payloads) == expected)
    // Each writer's rows arrive in the order they were committed.
    for writer in ["a", "b", "first"] {
        let mine = payloads.filter { $0.hasPrefix("\(writer)-") }.map { Int($0.dropFirst(writer.count + 1))! }
        #expect(mine == mine.sorted())
    }
    rig.relay.flushAcknowledged()
    #expect(try rig.store.read { try Outbox.count($0) } == 0)
}

@Test func whatTheLastRunLeftIsRepublishedFromTheTableWithinTheMemoryLimit() async throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let recorder = try BusRecorder(broker: broker, topics: ["relay/#"])
    defer { recorder.stop() }
    let rig = try RelayRig(broker: broker, name: "relay-restart", memoryLimit: 100)
    _ = try rig.commit((0..<3000).map { "left-\($0)" }, topic: "relay/left")
    try rig.client.start()
    defer { rig.client.shutdown(timeout: 5) }
    try rig.relay.republishPending()
    #expect(rig.relay.inClient <= 100)
    let watcher = Task { await watchInClient(rig.relay) { rig.client.pendingPublishes == 0 } }
    try await recorder.wait(timeout: 60, "3,000 re-published messages") { $0.count >= 3000 }
    #expect(await watcher.value <= 100)
    #expect(recorder.messages.map { String(decoding: $0.payload, as: UTF8.self) } == (0..<3000).map { "left-\($0)" })
}

/// A held lane (a channel nobody consumes) keeps its rows in the table across a restart of the relay, while the other
/// lanes go on; released, its rows go out in order.
@Test func aHeldLaneWaitsInTheTableAcrossARestartWhileOtherLanesGoOn() async throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let recorder = try BusRecorder(broker: broker, topics: ["alerting/dispatch/#"])
    defer { recorder.stop() }
    let path = temporaryDirectory("relay-lanes").appendingPathComponent("relay.sqlite").path
    let lane: @Sendable (String) -> String = { $0.hasPrefix("alerting/dispatch/slack/") ? "slack" : ($0.hasPrefix("alerting/dispatch/webhook/") ? "webhook" : "") }
    func relay(_ store: Store, _ client: MQTTClient) -> OutboxRelay {
        OutboxRelay(store: store, client: client, metrics: ServiceMetrics(service: "relay-test"), logger: Logger(label: "test.relay"), retries: HeldWork(),
                    laneLimit: 100, lane: lane, holdsLanes: true)
    }
    func commit(_ store: Store, _ topic: String, _ payloads: [String]) throws -> [OutboxMessage] {
        try store.write { db in try payloads.map { try Outbox.enqueue(db, topic: topic, payload: Data($0.utf8), lane: lane(topic)) } }
    }
    /// One run of a service: its store on the same file, a client, a relay (the sink is returned: the client holds it weakly).
    func run(_ clientID: String) throws -> (Store, MQTTClient, OutboxRelay, RelaySink) {
        let store = try Store(path: path)
        var settings = try MQTTSettings.parse(url: broker.url, clientID: clientID)
        settings.cleanSession = true
        let client = MQTTClient(settings: settings, subscriptions: [], logger: Logger(label: "test.relay"))
        let sink = RelaySink()
        client.sink = sink
        let relay = relay(store, client)
        sink.relay.withLock { $0 = relay }
        try client.start()
        return (store, client, relay, sink)
    }
    do {
        let (store, client, first, sink) = try run("relay-lanes-1")
        first.release(lane: "webhook")
        first.send(try commit(store, "alerting/dispatch/slack/acme", (0..<2500).map { "slack-\($0)" }))
        first.send(try commit(store, "alerting/dispatch/webhook/acme", (0..<300).map { "hook-\($0)" }))
        try await recorder.wait(timeout: 30, "300 webhook dispatches") { $0.count >= 300 }
        #expect(recorder.messages(on: "alerting/dispatch/slack/").isEmpty)
        #expect(first.heldLanes == ["slack"])
        #expect(first.inClient <= 100)
        first.flushAcknowledged()
        client.shutdown(timeout: 5)
        #expect(try store.read { try Outbox.count($0, lane: "slack") } == 2500)
        withExtendedLifetime(sink) {}
    }
    // The next run: held again until released, then everything in order.
    let (_, client, second, sink) = try run("relay-lanes-2")
    defer { client.shutdown(timeout: 5); withExtendedLifetime(sink) {} }
    try second.republishPending()
    #expect(second.inClient == 0)
    second.release(lane: "slack")
    try await recorder.wait(timeout: 60, "2,500 held slack dispatches") { $0.count >= 2800 }
    let slack = recorder.messages(on: "alerting/dispatch/slack/").map { String(decoding: $0.payload, as: UTF8.self) }
    #expect(slack == (0..<2500).map { "slack-\($0)" })
}
