// Prometheus Alertmanager as the baseline: alerts POSTed to /api/v2/alerts in batches, one webhook per alert to the receiver.
import Foundation
import Harness
import HTTPClient

// @unchecked: the batch queue and counters are guarded by `queue`; the rest is set in start() before the threads exist.
final class AlertmanagerSystem: SystemUnderTest, @unchecked Sendable {
    /// Prometheus sends at most 64 alerts per POST; so do we.
    static let maxBatch = 64
    static let posterThreads = 4

    let name = "Prometheus Alertmanager"
    private let setup: BenchSetup
    private var process: ChildProcess?
    private var port = 0
    private let queue = NSCondition()
    private var pending: [[(seq: Int, sentNanos: UInt64)]] = []
    private var queuedAlerts = 0
    private var stopping = false
    private var posters: [Thread] = []
    private let failures = NSLock()
    private var failedPosts = 0
    private(set) var notes: [String] = []

    init(setup: BenchSetup) { self.setup = setup }

    var processes: [(name: String, pid: Int32)] { process.map { [("alertmanager", $0.pid)] } ?? [] }

    func start() throws {
        let base = setup.directory.appendingPathComponent("alertmanager")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let config = base.appendingPathComponent("alertmanager.yml")
        try AlertmanagerSystem.config(receiverURL: setup.receiverURL, groupInterval: setup.alertmanagerGroupInterval)
            .write(to: config, atomically: true, encoding: .utf8)
        port = LocalPorts.free()
        let log = base.appendingPathComponent("alertmanager.log")
        let process = try ChildProcess(executable: setup.alertmanager, arguments: [
            "--config.file=\(config.path)", "--storage.path=\(base.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
        ], output: log.path)
        self.process = process
        let client = HTTPClient(connectTimeout: 1)
        let deadline = Date().addingTimeInterval(30)
        while true {
            if case .success(let response) = client.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/-/ready", timeout: 1)),
               response.isSuccess { break }
            guard process.isRunning, Date() < deadline else {
                process.stop(signal: SIGKILL)
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw BenchError(code: .alertmanager, message: "alertmanager not ready: \(text.suffix(2000))")
            }
            usleep(50_000)
        }
        notes.append("group_by ['...'], group_wait 0s, group_interval \(setup.alertmanagerGroupInterval), "
                     + "\(AlertmanagerSystem.posterThreads) client threads POSTing up to \(AlertmanagerSystem.maxBatch) alerts each")
        for index in 0..<AlertmanagerSystem.posterThreads {
            let thread = Thread { [self] in post() }
            thread.name = "bench am poster \(index)"
            thread.start()
            posters.append(thread)
        }
    }

    func send(_ batch: [(seq: Int, sentNanos: UInt64)]) {
        queue.lock()
        var rest = batch[...]
        while !rest.isEmpty {
            pending.append(Array(rest.prefix(AlertmanagerSystem.maxBatch)))
            rest = rest.dropFirst(AlertmanagerSystem.maxBatch)
        }
        queuedAlerts += batch.count
        queue.broadcast()
        queue.unlock()
    }

    var backlog: Int { queue.lock(); defer { queue.unlock() }; return queuedAlerts }

    /// One blocking libcurl client per thread, keep-alive; a batch counts as accepted when the POST returns.
    private func post() {
        let client = HTTPClient(connectTimeout: 5)
        let url = "http://127.0.0.1:\(port)/api/v2/alerts"
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        while true {
            queue.lock()
            while pending.isEmpty && !stopping { queue.wait() }
            if pending.isEmpty { queue.unlock(); return }
            let batch = pending.removeFirst()
            queue.unlock()
            let startsAt = formatter.string(from: Date())
            let body = "[" + batch.map { BenchPayload.alertmanager(seq: $0.seq, sentNanos: $0.sentNanos, startsAt: startsAt) }
                .joined(separator: ",") + "]"
            let result = client.perform(HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")],
                                                    body: Data(body.utf8), timeout: 30))
            if case .success(let response) = result, response.isSuccess {} else { failures.withLock { failedPosts += 1 } }
            queue.lock()
            queuedAlerts -= batch.count
            queue.unlock()
        }
    }

    func stop() {
        queue.lock()
        stopping = true
        queue.broadcast()
        queue.unlock()
        let failed = failures.withLock { failedPosts }
        if failed > 0 { notes.append("\(failed) POSTs to /api/v2/alerts failed") }
        process?.stop(signal: SIGTERM, timeout: 20)
    }

    /// One route, no grouping (each alert is its own group), notify at once. group_interval only spaces a group's
    /// later notifications; see docs/benchmarks.md for why it is not set to its minimum by default.
    static func config(receiverURL: String, groupInterval: String) -> String {
        """
        route:
          receiver: bench
          group_by: ['...']
          group_wait: 0s
          group_interval: \(groupInterval)
          repeat_interval: 4h
        receivers:
          - name: bench
            webhook_configs:
              - url: \(receiverURL)/alertmanager
                send_resolved: false

        """
    }
}
