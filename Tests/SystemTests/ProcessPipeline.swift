// The whole pipeline as child processes over one broker, for crash, fuzz, storage and secret tests.
import Foundation
import GRDB
import TestSupport

final class ProcessPipeline: @unchecked Sendable {
    /// Every service an alert crosses on its way to a webhook. The escalator joins by adding its name here.
    static let serviceNames = ["ingest", "router", "webhook-gateway"]

    let directory: URL
    let broker: MosquittoBroker
    let receiver: TestHTTPServer
    let config: URL
    let services: [PipelineService]
    let status: BusRecorder

    /// - Parameters:
    ///   - dataDirectories: where a service keeps its SQLite file, by service (default: the test's directory).
    ///   - environment: set in every service's process (secrets); `serviceEnvironment` adds per service (MQTT_PASSWORD).
    init(_ name: String, broker: MosquittoBroker? = nil, receiver: TestHTTPServer? = nil, configYAML: ((String) -> String)? = nil,
         environment: [String: String] = [:], logLevel: String = "warning", dataDirectories: [String: URL] = [:],
         extraArguments: [String: [String]] = [:], serviceEnvironment: [String: [String: String]] = [:]) async throws {
        directory = temporaryDirectory(name)
        let broker = try broker ?? MosquittoBroker()
        self.broker = broker
        if let given = receiver { self.receiver = given } else { self.receiver = try await TestHTTPServer.start() }
        let receiver = self.receiver
        let yaml = configYAML?(receiver.url) ?? TestConfig.singleWebhook(receiverURL: receiver.url)
        config = try TestConfig.write(yaml, in: directory)
        var environment = environment
        if environment["TEST_WEBHOOK_SECRET"] == nil { environment["TEST_WEBHOOK_SECRET"] = SystemHarness.secret }
        let directory = self.directory
        let config = self.config
        services = try ProcessPipeline.serviceNames.map { service in
            try PipelineService(name: service, directory: directory, dataRoot: dataDirectories[service], config: config, brokerURL: broker.url, logLevel: logLevel,
                                environment: environment.merging(serviceEnvironment[service] ?? [:]) { $1 }, extraArguments: extraArguments[service] ?? [])
        }
        status = try BusRecorder(broker: broker, topics: ["alerting/status/#"])
    }

    subscript(_ name: String) -> PipelineService {
        guard let service = services.first(where: { $0.name == name }) else { preconditionFailure("no service \(name)") }
        return service
    }

    /// Starts every service and waits until each says `online`.
    func start() async throws {
        for service in services {
            try await start(service)
        }
    }

    /// Starts (or restarts) one service and waits for its `online` after this call.
    /// A service restarted on a backlog says `online` only after the broker has handed it what it queued meanwhile
    /// (its SUBACK comes behind those messages), which on a loaded machine can take a while: `timeout`.
    func start(_ service: PipelineService, timeout: Double = 30) async throws {
        let seen = status.messages.count
        try service.start()
        try await status.wait(timeout: timeout, "\(service.name) online") { messages in
            messages.dropFirst(seen).contains {
                $0.topic == "alerting/status/\(service.name)" && String(decoding: $0.payload, as: UTF8.self) == "online"
            }
        }
    }

    var hookRequests: [RecordedHTTPRequest] { receiver.requests.filter { $0.path == "/hook" } }

    /// Waits until `count` distinct dedup keys reached the receiver's hook.
    func waitForDistinctAlerts(_ count: Int, timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Set(hookRequests.compactMap(SystemHarness.dedupKey)).count < count {
            guard Date() < deadline else {
                let have = Set(hookRequests.compactMap(SystemHarness.dedupKey)).count
                throw ServiceProcessError(message: "receiver got \(have) of \(count) alerts in \(timeout)s; where work waits: \(waiting()); logs:\n\(logTails())")
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// Rows that still wait in each service's table (outbox per lane, deliveries not finished, dead letters), to tell
    /// where a missing alert stopped.
    func waiting() -> String {
        let queries = [
            ("outbox", "SELECT 'outbox ' || lane || ': ' || COUNT(*) FROM outbox GROUP BY lane"),
            ("deliveries", "SELECT 'deliveries ' || status || IIF(not_before > 0, ' scheduled', '') || ': ' || COUNT(*) FROM deliveries WHERE status = 'pending' GROUP BY 1"),
            ("dead_letters", "SELECT 'dead letters: ' || COUNT(*) FROM dead_letters"),
        ]
        return services.map { service in
            let found = (try? DatabaseQueue(path: service.databasePath).read { db in
                try queries.flatMap { table, sql in try db.tableExists(table) ? try String.fetchAll(db, sql: sql) : [] }
            }) ?? ["unreadable"]
            return "\(service.name) [\(found.joined(separator: ", "))]"
        }.joined(separator: "; ")
    }

    func logTails(_ length: Int = 1500) -> String {
        services.map { "--- \($0.name)\n\($0.log.suffix(length))" }.joined(separator: "\n")
    }

    /// Every service's SQLite file passes `PRAGMA integrity_check`; call after the services stopped.
    func integrityReports() throws -> [String: [String]] {
        var reports: [String: [String]] = [:]
        for service in services {
            let queue = try DatabaseQueue(path: service.databasePath)
            reports[service.name] = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        }
        return reports
    }

    func stop() async {
        for service in services.reversed() { service.terminate() }
        status.stop()
        receiver.stop()
        broker.stop()
    }
}
