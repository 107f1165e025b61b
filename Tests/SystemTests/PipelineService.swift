// One service of the pipeline as a child process: fixed client id, own data dir, HTTP port, log file and environment.
import Foundation
import TestSupport

final class PipelineService: Sendable {
    let name: String
    let dataDir: URL
    let httpPort: Int
    let process: ServiceProcess

    /// - Parameter dataRoot: where its data dir goes (default `directory`, which holds the log either way).
    init(name: String, directory: URL, dataRoot: URL? = nil, config: URL, brokerURL: String, logLevel: String,
         environment: [String: String], extraArguments: [String] = []) throws {
        self.name = name
        dataDir = (dataRoot ?? directory).appendingPathComponent(name)
        httpPort = LocalPorts.free()
        // Fixed client id across restarts: the broker keeps the session and queues what arrives while it is down.
        process = try ServiceProcess(name: name, arguments: ServiceProcess.commonArguments(
            config: config, dataDir: dataDir, broker: brokerURL, http: "127.0.0.1:\(httpPort)", logLevel: logLevel,
            clientID: "pipeline-\(name)") + extraArguments, logFile: directory.appendingPathComponent("\(name).log"), environment: environment)
    }

    func start() throws { try process.start() }
    var isRunning: Bool { process.isRunning }
    var pid: pid_t? { process.pid }
    var logFile: URL { process.logFile }
    var environment: [String: String] { process.environment }

    /// SIGSTOP / SIGCONT: a service frozen in place, its connection open but silent.
    func signal(_ signal: Int32) { process.signal(signal) }

    /// kill -9: no flush, no `offline`.
    func kill() { process.kill() }

    /// SIGTERM and wait: the graceful path. True if it exited in time.
    @discardableResult
    func terminate(timeout: Double = 20) -> Bool { process.terminate(timeout: timeout) }

    var log: String { process.log }
    var databasePath: String { dataDir.appendingPathComponent("\(name).sqlite").path }
    var healthURL: String { "http://127.0.0.1:\(httpPort)/healthz" }
    var metricsURL: String { "http://127.0.0.1:\(httpPort)/metrics" }

    deinit { process.kill() }
}
