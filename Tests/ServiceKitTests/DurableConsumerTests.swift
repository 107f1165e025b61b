// A batch commits whole; a message that fails is dropped alone (the batch runs again with a savepoint per message),
// and nothing of the failed first run leaks: no rows, no publishes, no after-commit actions twice.
import Contracts
import Foundation
import GRDB
import Logging
import MQTT
import ServiceKit
import Store
import Synchronization
import Testing
import TestSupport

private final class RecordingProcessor: MessageProcessor {
    let calls = Mutex<[String]>([])
    let committed = Mutex<[String]>([])

    func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        let text = String(decoding: message.payload, as: UTF8.self)
        calls.withLock { $0.append(text) }
        try context.db.execute(sql: "INSERT INTO items (id) VALUES (?)", arguments: [text])
        try context.publish(topic: "items/\(text)", payload: message.payload)
        if text.hasPrefix("bad") { throw ContractError(code: "bad", message: "refused \(text)") }
        context.afterCommit { [self] in committed.withLock { $0.append(text) } }
    }
}

private func poisonCount(service: String) -> Int {
    let text = String(decoding: MetricsRegistry.exposition(), as: UTF8.self)
    let line = text.split(separator: "\n").first { $0.hasPrefix("alerting_messages_poison_total") && $0.contains("\"\(service)\"") }
    return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
}

@Test func aFailingMessageIsDroppedAloneAndTheRestOfItsBatchCommitsOnce() throws {
    let store = try Store(path: temporaryDirectory("durable").appendingPathComponent("durable.sqlite").path,
                          migrations: [Migration("0001_items") { try $0.execute(sql: "CREATE TABLE items (id TEXT PRIMARY KEY)") }])
    // A client that is never started: what the relay hands over stays queued and counts as pending.
    let client = MQTTClient(settings: MQTTSettings(clientID: "durable-test"), subscriptions: [], logger: Logger(label: "test"))
    let service = "durable-test-\(UUID().uuidString.prefix(8))"
    let metrics = ServiceMetrics(service: service)
    let relay = OutboxRelay(store: store, client: client, metrics: metrics, logger: Logger(label: "test"), retries: HeldWork())
    let processor = RecordingProcessor()
    let consumer = DurableConsumer(store: store, processor: processor, relay: relay, health: HealthState(connected: { true }),
                                   metrics: metrics, source: "test", logger: Logger(label: "test"))
    func batch(_ texts: [String]) -> [MQTTMessage] { texts.map { MQTTMessage(topic: "in", payload: Data($0.utf8)) } }

    // A clean batch runs once, in one transaction.
    try consumer.mqttReceived(batch(["a", "b"]))
    #expect(processor.calls.withLock { $0 } == ["a", "b"])

    // A batch with two failures: tried whole, rolled back, run again with savepoints.
    processor.calls.withLock { $0 = [] }
    try consumer.mqttReceived(batch(["c", "bad-1", "d", "bad-2"]))
    #expect(processor.calls.withLock { $0 } == ["c", "bad-1", "c", "bad-1", "d", "bad-2"])
    #expect(try store.read { try String.fetchAll($0, sql: "SELECT id FROM items ORDER BY id") } == ["a", "b", "c", "d"])
    #expect(processor.committed.withLock { $0 } == ["a", "b", "c", "d"], "after-commit actions of the rolled-back run never ran")
    #expect(client.pendingPublishes == 4, "only the committed messages' publishes were handed over")
    #expect(try store.read { try Outbox.count($0) } == 4)
    #expect(poisonCount(service: service) == 2)
}
