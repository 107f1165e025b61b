// The escalator as a process over a broker, with the recorders its tests read: one alert (k1 of tenant acme) is
// triggered and its steps are recorded.
import Contracts
import Foundation
import TestSupport

final class EscalatorProcess: @unchecked Sendable {
    let escalator: ServiceProcess
    let status: BusRecorder
    let recorder: BusRecorder
    let publisher: BusPublisher

    /// Starts the escalator on `config` and waits for its `online`.
    init(broker: MosquittoBroker, config: URL, directory: URL, logLevel: String = "warning") async throws {
        status = try BusRecorder(broker: broker, topics: ["alerting/status/#"])
        recorder = try BusRecorder(broker: broker, topics: ["alerting/escalations/#"])
        publisher = try BusPublisher(broker: broker)
        escalator = try ServiceProcess(name: "escalator", arguments: ServiceProcess.commonArguments(
            config: config, dataDir: directory.appendingPathComponent("escalator"), broker: broker.url, logLevel: logLevel,
            clientID: "escalator-under-test"), logFile: directory.appendingPathComponent("escalator.log"))
        try await start()
    }

    /// Starts (again) and waits for an `online` after this call.
    func start() async throws {
        let seen = status.messages.count
        try escalator.start()
        try await status.wait(timeout: 20, "escalator online") { messages in
            messages.dropFirst(seen).contains { $0.topic == "alerting/status/escalator" && String(decoding: $0.payload, as: UTF8.self) == "online" }
        }
    }

    /// The steps taken for alert k1, as recorded (repeats included).
    func steps() -> [Envelope<EscalationStepTaken>] {
        recorder.messages(on: "alerting/escalations/acme/k1").compactMap { try? Envelope<EscalationStepTaken>.decode($0.payload) }
    }

    /// Triggers alert k1 at level 0 and returns when it was created.
    func trigger() throws -> Date {
        let created = Date()
        var alert = Alert(id: "k1", tenant: "acme", dedupKey: "k1", severity: .critical, summary: "Press stopped", service: "press", createdAt: created)
        alert.level = 0
        publisher.publish("alerting/events/acme/k1", try Envelope(source: "alerting/ingest", tenant: "acme",
                                                                  data: AlertEvent(kind: .triggered, alert: alert)).encoded())
        return created
    }

    func stop() {
        escalator.terminate()
        status.stop()
        recorder.stop()
        publisher.stop()
    }
}
