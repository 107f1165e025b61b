// `bench escalator`: a million pending escalations in the escalator's store; its memory, and how late due steps fire.
import ArgumentParser
import Contracts
import Escalator
import Foundation
import Harness
import Histogram
import Logging
import MQTT
import Store

struct EscalatorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalator",
        abstract: "Creates N pending escalations, runs the escalator on them, and measures its RSS and the lateness of due steps.")

    @Option(help: "Pending escalations to create.")
    var count: Int = 1_000_000

    @Option(help: "Seconds between consecutive due times (the first ones fall due during the measurement).")
    var spacing: Double = 0.01

    @Option(help: "Seconds to measure once the first step is due.")
    var window: Double = 20

    @Option(help: "Directory of the release build.")
    var binDir: String = ".build/release"

    @Option(help: "The development broker configuration the bench's broker is made from.")
    var brokerConfig: String = "broker/mosquitto.dev.conf"

    @Option(help: "mosquitto executable.")
    var mosquitto: String = "/usr/sbin/mosquitto"

    func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-escalator-\(UUID().uuidString.prefix(8))")
        let dataDir = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        let configURL = directory.appendingPathComponent("alerting.yaml")
        try EscalatorBench.config.write(to: configURL, atomically: true, encoding: .utf8)

        // Creating a million rows takes a while: the first step falls due after the estimate plus a margin.
        let estimate = Double(count) / 25_000 + 15
        let firstDue = Date().addingTimeInterval(estimate)
        let creationStart = Date()
        let store = try Store(path: dataDir.appendingPathComponent("escalator.sqlite").path, migrations: EscalationRecords.migrations)
        try EscalationRecords.createPending(in: store, count: count, tenant: "bench", service: "svc", firstDue: firstDue, spacing: spacing)
        let creationSeconds = Date().timeIntervalSince(creationStart)
        let fileMiB = Double((try? FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0) / 1_048_576
        print(String(format: "created %d pending escalations in %.1f s (%.0f/s), store %.0f MiB", count, creationSeconds,
                     Double(count) / creationSeconds, fileMiB))

        let broker = try MosquittoBroker(baseConfig: URL(fileURLWithPath: brokerConfig), directory: directory.appendingPathComponent("broker"),
                                         executable: mosquitto)
        defer { broker.stop(timeout: 20) }
        let steps = StepLateness()
        var settings = try MQTTSettings.parse(url: broker.url, clientID: "bench-escalations")
        settings.cleanSession = true
        var logger = Logger(label: "bench.escalator")
        logger.logLevel = .warning
        let listener = MQTTClient(settings: settings, subscriptions: ["alerting/escalations/#"], logger: logger)
        listener.sink = steps
        try listener.start()
        defer { listener.shutdown(timeout: 2) }

        let escalatorStart = Date()
        let escalator = ServiceProcess(executable: URL(fileURLWithPath: binDir).appendingPathComponent("escalator"),
                                       arguments: ServiceProcess.commonArguments(config: configURL, dataDir: dataDir, broker: broker.url,
                                                                                 http: "127.0.0.1:\(LocalPorts.free())"),
                                       logFile: directory.appendingPathComponent("escalator.log"))
        try escalator.start()
        defer { escalator.terminate(timeout: 20) }
        let sampler = ProcessSampler()
        defer { sampler.shutdown() }
        sampler.watch([("escalator", escalator.pid ?? 0)])
        sampler.begin()
        let end = firstDue.addingTimeInterval(window)
        if Date() > firstDue { print("warning: the first steps fell due before the escalator started; their lateness includes the start") }
        while Date() < end {
            guard escalator.isRunning else { throw BenchError(code: .service, message: "the escalator exited; see \(directory.path)/escalator.log") }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Thread.sleep(forTimeInterval: 1.5)
        let usage = sampler.end()
        let expected = Int(window / spacing) + 1
        let (received, histogram) = steps.snapshot()
        print("")
        print("| escalator, \(count) pending | value |")
        print("|---|--:|")
        print("| store creation | \(String(format: "%.1f s (%.0f/s)", creationSeconds, Double(count) / creationSeconds)) |")
        print("| escalator start → measuring | \(String(format: "%.1f s", firstDue.timeIntervalSince(escalatorStart))) |")
        print("| steps due in the \(Int(window)) s window / received (window + 1.5 s tail) | \(min(expected, count)) / \(received) |")
        print("| lateness p50 / p99 / max | \(ms(histogram.valueAtPercentile(50))) / \(ms(histogram.valueAtPercentile(99))) / \(ms(histogram.max)) |")
        for process in usage {
            print("| \(process.name) max RSS | \(String(format: "%.0f MiB", process.maxRSSMiB)) |")
            print("| \(process.name) CPU | \(String(format: "%.0f %%", process.cpuPercent)) |")
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func ms(_ micros: UInt64) -> String { String(format: "%.1f ms", Double(micros) / 1000) }

    static let config = """
        broker:
          url: mqtt://127.0.0.1:1883
        tenants:
          - id: bench
            users:
              - id: u
                roles: [admin]
                email: u@bench.example.test
            services:
              - id: svc
                notification_channels: []
                escalation_policy: p
            escalation_policies:
              - id: p
                steps:
                  - after: 0m
                    targets: [{user: u}]
        """
}

/// Receives the escalation steps and records, per step, the time from its due time to its arrival.
final class StepLateness: MQTTSink, @unchecked Sendable {
    private let lock = NSLock()
    private var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    private var received = 0

    func mqttReceived(_ batch: [MQTTMessage]) throws {
        let now = Date()
        for message in batch {
            guard let step = try? Envelope<EscalationStepTaken>.decode(message.payload) else { continue }
            let lateness = max(0, now.timeIntervalSince(step.data.dueAt))
            lock.withLock {
                received += 1
                histogram.record(UInt64(lateness * 1_000_000))
            }
        }
    }

    func mqttDelivered(tokens: [Int64]) {}
    func mqttConnected() {}

    func snapshot() -> (Int, Histogram<UInt64>) { lock.withLock { (received, histogram) } }
}
