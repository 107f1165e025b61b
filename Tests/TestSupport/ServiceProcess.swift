// Runs a service executable as a child process, so tests can SIGKILL it mid-stream and start it again.
import Foundation
import Harness

public struct ServiceProcessError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

public final class ServiceProcess: @unchecked Sendable {
    public let executable: URL
    public let arguments: [String]
    public let logFile: URL
    private var process: ChildProcess?

    public init(name: String, arguments: [String], logFile: URL) throws {
        executable = try ServiceProcess.locate(name)
        self.arguments = arguments
        self.logFile = logFile
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
        process = try ChildProcess(executable: executable.path, arguments: arguments, output: logFile.path)
    }

    public var isRunning: Bool { process?.isRunning ?? false }
    public var pid: Int32? { process?.pid }

    /// kill -9: no cleanup, no flush, no `offline`.
    public func kill() {
        process?.stop(signal: SIGKILL, timeout: 10)
    }

    /// SIGTERM and wait: the graceful path.
    public func terminate(timeout: Double = 20) {
        process?.stop(signal: SIGTERM, timeout: timeout)
    }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    deinit { terminate(timeout: 5) }
}
