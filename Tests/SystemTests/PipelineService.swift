// One service of the pipeline as a child process: fixed client id, own data dir, HTTP port, log file and environment.
import Foundation
import TestSupport

final class PipelineService: @unchecked Sendable {
    let name: String
    let dataDir: URL
    let httpPort: Int
    let logFile: URL
    let executable: URL
    let arguments: [String]
    /// Set in the child only (through /usr/bin/env, which execs in place: the pid stays the service's).
    let environment: [String: String]
    private let lock = NSLock()
    private var process: ChildProcess?

    /// - Parameter dataRoot: where its data dir goes (default `directory`, which holds the log either way).
    init(name: String, directory: URL, dataRoot: URL? = nil, config: URL, brokerURL: String, logLevel: String,
         environment: [String: String], extraArguments: [String] = []) throws {
        self.name = name
        dataDir = (dataRoot ?? directory).appendingPathComponent(name)
        httpPort = MosquittoBroker.freePort()
        logFile = directory.appendingPathComponent("\(name).log")
        executable = try ServiceProcess.locate(name)
        self.environment = environment
        arguments = ["--config", config.path, "--data-dir", dataDir.path, "--broker", brokerURL,
                     "--http", "127.0.0.1:\(httpPort)", "--log-level", logLevel,
                     // Fixed across restarts: the broker keeps the session and queues what arrives while it is down.
                     "--client-id", "pipeline-\(name)"] + extraArguments
    }

    func start() throws {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let child = try ChildProcess(executable: "/usr/bin/env", arguments: assignments + [executable.path] + arguments,
                                     output: logFile.path)
        lock.withLock { process = child }
    }

    var isRunning: Bool { lock.withLock { process }?.isRunning ?? false }

    /// The running child's pid (for /proc readings).
    var pid: pid_t? { lock.withLock { process }?.pid }

    /// SIGSTOP / SIGCONT: a service frozen in place, its connection open but silent.
    func signal(_ signal: Int32) { lock.withLock { process }?.signal(signal) }

    /// kill -9: no flush, no `offline`.
    func kill() { lock.withLock { process }?.stop(signal: SIGKILL, timeout: 10) }

    /// SIGTERM and wait: the graceful path. True if it exited in time.
    @discardableResult
    func terminate(timeout: Double = 20) -> Bool { lock.withLock { process }?.stop(signal: SIGTERM, timeout: timeout) ?? true }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var databasePath: String { dataDir.appendingPathComponent("\(name).sqlite").path }
    var healthURL: String { "http://127.0.0.1:\(httpPort)/healthz" }
    var metricsURL: String { "http://127.0.0.1:\(httpPort)/metrics" }

    deinit { lock.withLock { process }?.stop(signal: SIGKILL, timeout: 5) }
}
