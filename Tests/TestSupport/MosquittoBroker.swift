// A real mosquitto process per test: own port, own temp directory, persistence on.
import Foundation
// Tests that import TestSupport also get ChildProcess and LocalPorts.
@_exported import Harness

public struct MosquittoBrokerError: Error, CustomStringConvertible {
    public let code: Int
    public let message: String
    public var description: String { "mosquitto broker error \(code): \(message)" }
}

/// Starts `mosquitto` on a free 127.0.0.1 port with a generated config. `stop()` is graceful
/// (SIGTERM, the broker saves its persistence file), `kill()` is abrupt, `restart()` keeps the port
/// and the persistence. The temp directory is removed when the broker is deallocated.
public final class MosquittoBroker: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    public var url: String { "mqtt://127.0.0.1:\(port)" }
    public var logFile: URL { directory.appendingPathComponent("mosquitto.log") }
    public var configFile: URL { directory.appendingPathComponent("mosquitto.conf") }

    private let lock = NSLock()
    private var process: ChildProcess?

    /// `extraConfig` lines are appended to the generated config (e.g. `acl_file ...`).
    public init(extraConfig: [String] = [], name: String = "mosquitto") throws {
        directory = temporaryDirectory(name)
        port = MosquittoBroker.freePort()
        var lines = [
            "listener \(port) 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            "persistence_location \(directory.path)/",
            "autosave_interval 1",
            "max_inflight_messages 1000",
            "max_queued_messages 100000",
            "log_dest file \(logFile.path)",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
        ]
        // As root, mosquitto would switch to the "mosquitto" user and lose access to the temp directory.
        if geteuid() == 0 { lines.append("user root") }
        lines += extraConfig
        try (lines.joined(separator: "\n") + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        try launch()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return process?.isRunning ?? false
    }

    /// Graceful: SIGTERM (the broker saves its persistence), then waits for the process to exit.
    public func stop() {
        takeProcess()?.stop(signal: SIGTERM, timeout: 10)
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
        lock.lock()
        defer { lock.unlock() }
        let running = process
        process = nil
        return running
    }

    private func launch() throws {
        // ChildProcess spawns with an empty signal mask: Foundation's Process would hand the child the
        // test thread's mask, in which Dispatch blocks SIGTERM, and stop() could never be graceful.
        let process = try ChildProcess(executable: try MosquittoBroker.executable(), arguments: ["-c", configFile.path],
                                       output: nil)
        lock.lock()
        self.process = process
        lock.unlock()
        let deadline = Date().addingTimeInterval(10)
        while !MosquittoBroker.acceptsConnections(port: port) {
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                kill()
                throw MosquittoBrokerError(code: 1, message: "mosquitto did not start on port \(port): \(log)")
            }
            usleep(10_000)
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

    static func acceptsConnections(port: Int) -> Bool { LocalPorts.acceptsConnections(port: port) }
}

/// A fresh directory under the system temp directory, unique per call.
public func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("alerting-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
