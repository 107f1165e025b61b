// A service executable as a child process with the common flags, its own log file and environment: tests kill -9 it
// mid-stream and start it again; the benchmark runs the release build the same way.
import Foundation
import Synchronization

public struct ServiceProcessError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

public final class ServiceProcess: Sendable {
    public let executable: URL
    public let arguments: [String]
    public let logFile: URL
    /// Set in the child only (through /usr/bin/env, which execs in place: the pid stays the service's).
    public let environment: [String: String]
    private let process = Mutex<ChildProcess?>(nil)

    public init(executable: URL, arguments: [String], logFile: URL, environment: [String: String] = [:]) {
        self.executable = executable
        self.arguments = arguments
        self.logFile = logFile
        self.environment = environment
    }

    /// The executable built next to the tests (`locate`).
    public convenience init(name: String, arguments: [String], logFile: URL, environment: [String: String] = [:]) throws {
        self.init(executable: try ServiceProcess.locate(name), arguments: arguments, logFile: logFile, environment: environment)
    }

    /// The flags every executable takes (`ServiceOptions`).
    public static func commonArguments(config: URL, dataDir: URL, broker: String, http: String = "127.0.0.1:0",
                                       logLevel: String = "warning", clientID: String? = nil) -> [String] {
        ["--config", config.path, "--data-dir", dataDir.path, "--broker", broker, "--http", http, "--log-level", logLevel]
            + (clientID.map { ["--client-id", $0] } ?? [])
    }

    /// Built executables sit next to the test bundle (`.build/debug`); `swift build --build-tests` builds them.
    public static func locate(_ name: String) throws -> URL {
        var candidates: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent(name))
        candidates.append(runner.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        throw ServiceProcessError(message: "executable \(name) not found (run `swift build --build-tests` first); looked in \(candidates.map(\.path))")
    }

    public func start() throws {
        let child: ChildProcess
        if environment.isEmpty {
            child = try ChildProcess(executable: executable.path, arguments: arguments, output: logFile.path)
        } else {
            let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            child = try ChildProcess(executable: "/usr/bin/env", arguments: assignments + [executable.path] + arguments,
                                     output: logFile.path)
        }
        process.withLock { $0 = child }
    }

    public var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// The running child's pid (for /proc readings and signals).
    public var pid: Int32? { process.withLock { $0?.pid } }

    /// SIGSTOP / SIGCONT, SIGHUP: a signal to the running child.
    public func signal(_ signal: Int32) { process.withLock { $0 }?.signal(signal) }

    /// kill -9: no cleanup, no flush, no `offline`.
    public func kill() {
        process.withLock { $0 }?.stop(signal: SIGKILL, timeout: 10)
    }

    /// SIGTERM and wait: the graceful path. True if it exited in time.
    @discardableResult
    public func terminate(timeout: Double = 20) -> Bool {
        process.withLock { $0 }?.stop(signal: SIGTERM, timeout: timeout) ?? true
    }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    deinit { terminate(timeout: 5) }
}
