// `bench system` (the default): ours, the raw broker and Alertmanager, same loads, one run, and ours again on the
// shipped example configuration at the start and after a history of alerts; prints Markdown.
import ArgumentParser
import Foundation

struct SystemBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system", abstract: "End-to-end latency and throughput: alerting vs raw broker vs Alertmanager.")

    @Flag(help: "Small counts (CI checks that it works; the numbers mean little).")
    var quick = false

    @Option(help: "Messages per phase (default 50000, --quick 1000).")
    var count: Int?

    @Option(help: "Fixed open-loop rates, comma separated (default 1000,5000; --quick 1000).")
    var rates: String?

    @Option(name: .customLong("bin-dir"), help: "Where the release executables are (swift build -c release --show-bin-path).")
    var binDir: String = ".build/release"

    @Option(name: .customLong("broker-config"), help: "Mosquitto config to start from (its listener, persistence location and log are rewritten).")
    var brokerConfig: String = "broker/mosquitto.dev.conf"

    @Option(help: "mosquitto executable.")
    var mosquitto: String = "/usr/sbin/mosquitto"

    @Option(help: "Alertmanager executable.")
    var alertmanager: String = "/usr/bin/prometheus-alertmanager"

    @Option(name: .customLong("am-group-interval"), help: "Alertmanager group_interval (see docs/benchmarks.md).")
    var amGroupInterval: String = "5m"

    @Option(help: "Systems to run, comma separated: alerting, raw, alertmanager, example (ours on the example configuration, start vs after history), alerting-noreplay (alerting with broker.replay_window 0s, what the replay window costs).")
    var systems: String = "alerting,raw,alertmanager,example"

    @Option(name: .customLong("example-config"), help: "The shipped example configuration (only its webhook URLs are pointed at the receiver).")
    var exampleConfig: String = "config/alerting.example.yaml"

    @Option(name: .customLong("example-rate"), help: "Fixed rate of the two measured phases on the example configuration (alerts/s; the 2-core machine takes ~800/s there at most).")
    var exampleRate: Int = 500

    @Option(name: .customLong("example-count"), help: "Alerts per measured phase on the example configuration (default 20000, --quick 1000).")
    var exampleCount: Int?

    @Option(help: "Alerts of history pushed through between the two measured phases (default 100000, --quick 2000).")
    var history: Int?

    @Option(name: .customLong("services"), help: "Our services to start, in order; a trailing ? marks one optional.")
    var services: String = PipelineSystem.defaultServices.map { $0.name + ($0.optional ? "?" : "") }.joined(separator: ",")

    @Option(help: "Also write the report between the markers of this Markdown file (docs/benchmarks.md).")
    var write: String?

    @Flag(help: "Keep the run's temp directory (logs, SQLite files, configs) instead of deleting it.")
    var keep = false

    func run() async throws {
        _ = benchStart  // globals are lazy: start the clock of the progress lines now
        // 50,000: the max-rate phase then runs ~10 s, long enough to call its rate sustained (at 20,000 it ran ~4 s, and
        // the first seconds of a phase, with caches and files still growing, weighed on the figure).
        let count = self.count ?? (quick ? 1000 : 50000)
        let rates = (self.rates ?? (quick ? "1000" : "1000,5000")).split(separator: ",").compactMap { Int($0) }
        let loads: [Load] = rates.map { .fixedRate($0) } + [.maxRate(window: 2000)]
        let warmUp = quick ? 100 : 500
        let systemNames = systems.split(separator: ",").map(String.init)
        let growthPlan = HistoryGrowthPlan(config: URL(fileURLWithPath: exampleConfig), rate: exampleRate,
                                           count: exampleCount ?? (quick ? 1000 : 20000), history: history ?? (quick ? 2000 : 100_000))
        let ledger = DeliveryLedger(capacity: systemNames.count * (loads.count * count + warmUp)
                                    + (systemNames.contains("example") ? warmUp + growthPlan.alerts : 0) + 16)
        let receiver = AlertReceiver(ledger: ledger)
        try await receiver.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alerting-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let setup = BenchSetup(
            directory: directory, brokerConfig: URL(fileURLWithPath: brokerConfig), mosquitto: mosquitto,
            binDir: URL(fileURLWithPath: binDir), alertmanager: alertmanager, alertmanagerGroupInterval: amGroupInterval,
            ledger: ledger, receiverURL: receiver.url,
            services: services.split(separator: ",").map { ServiceSpec(name: String($0.trimmingCharacters(in: ["?"])), optional: $0.hasSuffix("?")) })
        let startedAt = Date()
        // Everything below blocks (processes, sleeps, libcurl): it runs on a thread of its own, never on the
        // cooperative pool, which serves the HTTP receiver.
        let outcome: Result<BenchReport, Error> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result {
                    try SystemBench.runAll(setup: setup, systemNames: systemNames, loads: loads, count: count, warmUp: warmUp,
                                           growthPlan: growthPlan, mode: quick ? "quick mode (\(count) per phase)" : "full mode (\(count) per phase)",
                                           startedAt: startedAt)
                })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        receiver.stop()
        if !keep { try? FileManager.default.removeItem(at: directory) } else { print("kept \(directory.path)") }
        let report = try outcome.get()
        print(report.markdown)
        if let write {
            try BenchReport.write(report.markdown, into: URL(fileURLWithPath: write))
            print("wrote \(write)")
        }
    }

    static func runAll(setup: BenchSetup, systemNames: [String], loads: [Load], count: Int, warmUp: Int,
                       growthPlan: HistoryGrowthPlan, mode: String, startedAt: Date) throws -> BenchReport {
        let sampler = ProcessSampler()
        defer { sampler.shutdown() }
        let runner = PhaseRunner(ledger: setup.ledger, sampler: sampler)
        var results: [PhaseResult] = []
        var notes: [String: [String]] = [:]
        var growth: HistoryGrowth?
        let ours = PipelineSystem(setup: setup), raw = RawBrokerSystem(setup: setup), am = AlertmanagerSystem(setup: setup)
        let example = PipelineSystem(setup: setup, configuration: .example(growthPlan.config), name: PipelineSystem.exampleName)
        let withoutReplay = PipelineSystem(setup: setup, name: PipelineSystem.withoutReplayName, replayWindow: "0s")
        let byName: [String: SystemUnderTest] = ["alerting": ours, "raw": raw, "alertmanager": am, "example": example,
                                                 "alerting-noreplay": withoutReplay]
        for name in systemNames {
            guard let system = byName[name] else { throw BenchError(code: .service, message: "unknown system \(name)") }
            log("starting \(system.name)")
            do {
                try system.start()
            } catch {
                system.stop()
                throw error
            }
            defer {
                log("stopping \(system.name)")
                system.stop()
            }
            sampler.watch(system.processes + [("bench", getpid())])
            log("warming up (\(warmUp) alerts)")
            runner.warmUp(system, count: warmUp)
            if system === example {
                let measured = growthPlan.run(on: example, runner: runner)
                results += [measured.start, measured.history, measured.after]
                growth = measured
                notes[system.name] = system.notes
                continue
            }
            for load in loads {
                log("\(system.name): \(load), \(count) alerts")
                let result = runner.run(load, count: count, on: system)
                log(String(format: "  delivered %d/%d, p50 %.2f ms, p99 %.2f ms, %.0f alerts/s",
                           result.delivered, result.sent, result.p50, result.p99, result.throughput))
                results.append(result)
                if let pipeline = system as? PipelineSystem, case .fixedRate = load {
                    // Sampled after the phase's last delivery, within the 5 s the services record it in.
                    let kept = pipeline.replayWindowRows().map { "\($0.service) \($0.rows)" }.joined(separator: ", ")
                    pipeline.note("rows kept for the replay window after \(load): \(kept)")
                }
            }
            notes[system.name] = system.notes
        }
        return BenchReport(machine: .current(), mode: mode, startedAt: startedAt, results: results, notes: notes, growth: growth,
                           ours: ours.name, raw: raw.name, alertmanager: am.name)
    }
}

let benchStart = monotonicNanos()

/// Progress on standard error, so standard output stays the Markdown report.
func log(_ line: String) {
    FileHandle.standardError.write(Data("bench [\(String(format: "%6.1f", Double(Int64(bitPattern: monotonicNanos() &- benchStart)) / 1e9)) s]: \(line)\n".utf8))
}
