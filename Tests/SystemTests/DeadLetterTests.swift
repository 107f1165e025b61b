// Nothing dropped silently: a poison message and a publish the broker refuses each leave a dead letter, in the
// transaction that drops them; `SERVICE dead-letters` lists them; consumer batches commit with synchronous=FULL.
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

private final class PoisonProcessor: MessageProcessor {
    /// `PRAGMA synchronous` as each message's transaction saw it.
    let synchronous = Mutex<[Int]>([])

    func process(_ message: MQTTMessage, _ context: ProcessingContext) throws {
        let text = String(decoding: message.payload, as: UTF8.self)
        synchronous.withLock { $0.append((try? Int.fetchOne(context.db, sql: "PRAGMA synchronous")) ?? -1) }
        try context.publish(topic: "out/\(text)", payload: message.payload)
        if text.hasPrefix("bad") { throw ContractError(code: "bad", message: "refused \(text)") }
    }
}

private func deadLetterCount(service: String, direction: String) -> Int {
    let text = String(decoding: MetricsRegistry.exposition(), as: UTF8.self)
    let line = text.split(separator: "\n").first {
        $0.hasPrefix("alerting_dead_letters_total") && $0.contains("\"\(service)\"") && $0.contains("direction=\"\(direction)\"")
    }
    return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? -1
}

private struct Fixture {
    let store: Store
    let client: MQTTClient
    let relay: OutboxRelay
    let consumer: DurableConsumer
    let processor = PoisonProcessor()
    let service = "dead-letter-test-\(UUID().uuidString.prefix(8))"
    let path: String

    init(settings: MQTTSettings) throws {
        path = temporaryDirectory("dead-letters").appendingPathComponent("svc.sqlite").path
        store = try Store(path: path)
        client = MQTTClient(settings: settings, subscriptions: [], logger: Logger(label: "test"))
        let metrics = ServiceMetrics(service: service)
        relay = OutboxRelay(store: store, client: client, metrics: metrics, logger: Logger(label: "test"), retries: HeldWork())
        consumer = DurableConsumer(store: store, processor: processor, relay: relay, health: HealthState(connected: { true }),
                                   metrics: metrics, source: "test", logger: Logger(label: "test"))
    }
}

@Test func aPoisonMessageIsKeptAsADeadLetterWithItsReasonAndListed() throws {
    let fixture = try Fixture(settings: MQTTSettings(clientID: "dead-letter-poison"))
    let batch = ["good-1", "bad-1", "good-2"].map { MQTTMessage(topic: "in/acme", payload: Data($0.utf8)) }
    try fixture.consumer.mqttReceived(batch)

    let letters = try fixture.store.read { try DeadLetters.latest($0, limit: 10) }
    #expect(letters.count == 1)
    let letter = try #require(letters.first)
    #expect(letter.direction == .received && letter.topic == "in/acme" && letter.payload == Data("bad-1".utf8))
    #expect(letter.reason.contains("refused bad-1"), "the processor's error is the reason: \(letter.reason)")
    #expect(try fixture.store.read { try Outbox.count($0) } == 2, "the poison message's publish was rolled back with it")
    #expect(deadLetterCount(service: fixture.service, direction: "received") == 1)
    #expect(deadLetterCount(service: fixture.service, direction: "published") == 0, "both directions are exported from the start")

    // The command every executable has: one tab-separated line per dead letter, newest first.
    var listing = DeadLetterListing()
    listing.limit = 5
    let lines = try listing.lines(path: fixture.path)
    #expect(lines.count == 1)
    let columns = try #require(lines.first).split(separator: "\t").map(String.init)
    #expect(columns.count == 5)
    #expect(RFC3339.date(from: columns[0]) != nil)
    #expect(columns[1] == "received" && columns[2] == "in/acme" && columns[3].contains("refused bad-1") && columns[4] == "5 bytes")
}

@Test func aConsumerBatchCommitsWithSynchronousFullAndOtherWritesStayNormal() throws {
    let fixture = try Fixture(settings: MQTTSettings(clientID: "dead-letter-sync"))
    try fixture.consumer.mqttReceived([MQTTMessage(topic: "in/acme", payload: Data("good".utf8))])
    // The savepoint rerun after a failing message runs in a FULL transaction too.
    try fixture.consumer.mqttReceived(["bad", "good-2"].map { MQTTMessage(topic: "in/acme", payload: Data($0.utf8)) })
    // 2 = FULL (0 OFF, 1 NORMAL, 3 EXTRA)
    #expect(fixture.processor.synchronous.withLock { $0 } == [2, 2, 2, 2], "good; bad (rolled back); bad, good-2 again with savepoints")
    #expect(try fixture.store.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1, "back to NORMAL after the batch")
}

/// Mosquitto 2.0.11 answers an MQTT v5 QoS 1 publish to a topic its ACL denies with PUBACK 0x87 (not authorized).
@Test(.timeLimit(.minutes(1)))
func aPublishTheBrokerRefusesIsKeptAsADeadLetterAndLeavesTheOutbox() async throws {
    let aclDirectory = temporaryDirectory("dead-letters-acl")
    let acl = aclDirectory.appendingPathComponent("acl")
    // Anonymous clients (no `user` line above them) may write `allowed/#` only.
    try "topic readwrite allowed/#\n".write(to: acl, atomically: true, encoding: .utf8)
    let broker = try MosquittoBroker(extraConfig: ["acl_file \(acl.path)"])
    let recorder = try BusRecorder(broker: broker, topics: ["allowed/#", "denied/#"])
    var settings = try MQTTSettings.parse(url: broker.url, clientID: "dead-letter-refused")
    settings.cleanSession = true
    let fixture = try Fixture(settings: settings)
    fixture.client.sink = fixture.consumer
    try fixture.client.start()

    let rows = try fixture.store.write { db in
        [try Outbox.enqueue(db, topic: "allowed/1", payload: Data("one".utf8)),
         try Outbox.enqueue(db, topic: "denied/1", payload: Data("refused payload".utf8)),
         try Outbox.enqueue(db, topic: "allowed/2", payload: Data("two".utf8))]
    }
    fixture.relay.send(rows)
    // allowed/2 follows denied/1 in order: once it arrives, the broker has answered denied/1 too.
    try await recorder.wait { $0.contains { $0.topic == "allowed/2" } }
    let deadline = Date().addingTimeInterval(10)
    while fixture.client.pendingPublishes > 0, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
    fixture.relay.flushAcknowledged()

    let letters = try fixture.store.read { try DeadLetters.latest($0, limit: 10) }
    #expect(letters.count == 1)
    let letter = try #require(letters.first)
    #expect(letter.direction == .published && letter.topic == "denied/1" && letter.payload == Data("refused payload".utf8))
    #expect(letter.reason.contains("0x87"), "PUBACK reason code in the reason: \(letter.reason)")
    #expect(try fixture.store.read { try Outbox.count($0) } == 0, "the refused row left the outbox, the delivered ones were deleted")
    #expect(deadLetterCount(service: fixture.service, direction: "published") == 1)
    #expect(recorder.messages.map(\.topic) == ["allowed/1", "allowed/2"])

    fixture.client.shutdown(timeout: 2)
    recorder.stop()
    broker.stop()
}

/// `ingest dead-letters` (every executable has it): one line per row of the service's file, newest first, `--limit` of them.
@Test func theDeadLettersCommandPrintsOneLinePerRow() throws {
    let dataDir = temporaryDirectory("dead-letters-command")
    let store = try Store(path: dataDir.appendingPathComponent("ingest.sqlite").path)
    try store.write { db in
        try DeadLetters.record(db, direction: .received, topic: "alerting/in/acme/x", payload: Data(count: 42), reason: "first")
        try DeadLetters.record(db, direction: .published, topic: "alerting/events/acme/a1", payload: Data(count: 7),
                               reason: "broker refused the publish: 0x87 Not authorized")
    }
    func run(_ arguments: [String]) throws -> (status: Int32, lines: [String]) {
        let process = Process()
        process.executableURL = try ServiceProcess.locate("ingest")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    let all = try run(["dead-letters", "--data-dir", dataDir.path])
    #expect(all.status == 0)
    #expect(all.lines.count == 2)
    #expect(all.lines.first?.hasSuffix("\tpublished\talerting/events/acme/a1\tbroker refused the publish: 0x87 Not authorized\t7 bytes") == true,
            "\(all.lines)")
    #expect(all.lines.last?.hasSuffix("\treceived\talerting/in/acme/x\tfirst\t42 bytes") == true, "\(all.lines)")

    let newest = try run(["dead-letters", "--data-dir", dataDir.path, "--limit", "1"])
    #expect(newest.lines.count == 1 && newest.lines.first?.contains("published") == true)

    let missing = try run(["dead-letters", "--data-dir", dataDir.appendingPathComponent("nowhere").path])
    #expect(missing.status != 0, "no database there: an error, not an empty list")
}
