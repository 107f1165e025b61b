// A real mosquitto process: own port, own directory, persistence on. The tests' broker and the benchmark's.
import Foundation
import Synchronization

public struct MosquittoBrokerError: Error, CustomStringConvertible {
    public let code: Int
    public let message: String
    public var description: String { "mosquitto broker error \(code): \(message)" }
}

/// Starts `mosquitto` on a free 127.0.0.1 port. `stop()` is graceful (SIGTERM, the broker saves its persistence
/// file), `kill()` is abrupt, `restart()` keeps the port and the persistence. A broker in a temp directory of its own
/// removes it when it is deallocated.
public final class MosquittoBroker: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    public var url: String { "mqtt://127.0.0.1:\(port)" }
    public var logFile: URL { directory.appendingPathComponent("mosquitto.log") }
    public var configFile: URL { directory.appendingPathComponent("mosquitto.conf") }

    private let executable: String
    private let removesDirectory: Bool
    private let process = Mutex<ChildProcess?>(nil)

    /// A generated configuration for tests, in a fresh temp directory; `extraConfig` lines are appended
    /// (e.g. `acl_file ...`).
    public convenience init(extraConfig: [String] = [], name: String = "mosquitto") throws {
        let directory = temporaryDirectory(name)
        try self.init(directory: directory, executable: nil, removesDirectory: true) { port, directory, log in
            [
                "listener \(port) 127.0.0.1",
                "allow_anonymous true",
                "persistence true",
                "persistence_location \(directory.path)/",
                "autosave_interval 1",
                "max_inflight_messages 1000",
                "max_queued_messages 100000",
                "log_dest file \(log.path)",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
            ] + extraConfig
        }
    }

    /// A shipped configuration file (broker/mosquitto.dev.conf) rewritten the way scripts/run does: its own listener
    /// port, persistence location and log file in `directory`, which stays when the broker goes.
    public convenience init(baseConfig: URL, directory: URL, executable: String? = nil) throws {
        let source = try String(contentsOf: baseConfig, encoding: .utf8)
        try self.init(directory: directory, executable: executable, removesDirectory: false) { port, directory, log in
            let kept = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { line in
                !line.hasPrefix("listener ") && !line.hasPrefix("log_dest ") && !line.hasPrefix("persistence_location ")
            }
            return ["listener \(port) 127.0.0.1"] + kept + ["persistence_location \(directory.path)/", "log_dest file \(log.path)"]
        }
    }

    private init(directory: URL, executable: String?, removesDirectory: Bool,
                 config: (_ port: Int, _ directory: URL, _ log: URL) -> [String]) throws {
        self.directory = directory
        self.removesDirectory = removesDirectory
        self.executable = try executable ?? MosquittoBroker.executable()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = LocalPorts.free()
        var lines = config(port, directory, directory.appendingPathComponent("mosquitto.log"))
        // As root, mosquitto would switch to the "mosquitto" user and lose access to the directory.
        if geteuid() == 0 { lines.append("user root") }
        try (lines.joined(separator: "\n") + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        try launch()
    }

    deinit {
        stop()
        if removesDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    public var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// The running broker's pid (for /proc readings).
    public var pid: Int32? { process.withLock { $0?.pid } }

    /// Graceful: SIGTERM (the broker saves its persistence), then waits for the process to exit.
    public func stop(timeout: Double = 10) {
        takeProcess()?.stop(signal: SIGTERM, timeout: timeout)
    }

    /// Abrupt: SIGKILL, then waits; whatever the broker had not autosaved is lost.
    public func kill() {
        takeProcess()?.stop(signal: SIGKILL, timeout: 10)
    }

    /// kill -9, then a start on the same port and persistence: the broker comes back with its last snapshot only.
    public func crashAndRestart() throws {
        kill()
        try launch()
    }

    /// Stops the broker if it runs and starts it again on the same port with the same persistence.
    public func restart() throws {
        stop()
        try launch()
    }

    private func takeProcess() -> ChildProcess? {
        process.withLock { process in
            defer { process = nil }
            return process
        }
    }

    private func launch() throws {
        // ChildProcess spawns with an empty signal mask: Foundation's Process would hand the child the
        // test thread's mask, in which Dispatch blocks SIGTERM, and stop() could never be graceful.
        let process = try ChildProcess(executable: executable, arguments: ["-c", configFile.path], output: nil)
        self.process.withLock { $0 = process }
        guard LocalPorts.waitUntilListening(port: port, process: process, timeout: 10) else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            kill()
            throw MosquittoBrokerError(code: 1, message: "mosquitto did not start on port \(port): \(log.suffix(2000))")
        }
    }

    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/mosquitto" } + ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MosquittoBrokerError(code: 2, message: "mosquitto not found in PATH or /usr/sbin")
        }
        return found
    }

    /// A port the kernel just handed out, so parallel tests rarely collide.
    public static func freePort() -> Int { LocalPorts.free() }
}

/// A fresh directory under the system temp directory, unique per call.
public func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("alerting-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
