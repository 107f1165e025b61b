// The bench's own mosquitto: broker/mosquitto.dev.conf (persistence on) on a free port in a temp directory.
import Foundation
import Harness

final class BenchBroker: @unchecked Sendable {
    let port: Int
    let directory: URL
    let process: ChildProcess
    var url: String { "mqtt://127.0.0.1:\(port)" }

    /// Rewrites the dev config the way scripts/run does: own listener port, own persistence location, log to a file.
    init(devConfig: URL, directory: URL, executable: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = LocalPorts.free()
        let source = try String(contentsOf: devConfig, encoding: .utf8)
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { line in
            !line.hasPrefix("listener ") && !line.hasPrefix("log_dest ") && !line.hasPrefix("persistence_location ")
        }
        lines.insert("listener \(port) 127.0.0.1", at: 0)
        lines.append("persistence_location \(directory.path)/")
        lines.append("log_dest file \(directory.appendingPathComponent("mosquitto.log").path)")
        // As root, mosquitto would switch to the "mosquitto" user and lose access to the temp directory.
        if geteuid() == 0 { lines.append("user root") }
        let config = directory.appendingPathComponent("mosquitto.conf")
        try lines.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
        process = try ChildProcess(executable: executable, arguments: ["-c", config.path], output: nil)
        guard LocalPorts.waitUntilListening(port: port, process: process, timeout: 10) else {
            process.stop(signal: SIGKILL)
            let log = (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
            throw BenchError(code: .broker, message: "mosquitto did not listen on \(port): \(log.suffix(1000))")
        }
    }

    func stop() { process.stop(signal: SIGTERM, timeout: 20) }
}
