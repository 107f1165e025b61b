// A small tmpfs mounted for one test, so a service's data directory can really run out of space (root or not).
import Foundation
import TestSupport

/// Root ignores file permissions, so chmod cannot make a store fail; a full filesystem stops root as well.
final class TinyFilesystem: @unchecked Sendable {
    let path: URL
    private var filler: FileHandle?

    /// Mounts a tmpfs of `megabytes` at a fresh directory; throws when this machine does not allow mounting.
    init(megabytes: Int) throws {
        path = temporaryDirectory("tmpfs")
        let output = try TinyFilesystem.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", path.path])
        guard isMounted else { throw ServiceProcessError(message: "cannot mount a tmpfs at \(path.path): \(output)") }
    }

    var isMounted: Bool {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        return mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first.map(String.init) == path.path }
    }

    /// True when the test process may mount a tmpfs (root with CAP_SYS_ADMIN, as in CI and the development container).
    static let isAvailable: Bool = {
        guard let probe = try? TinyFilesystem(megabytes: 1) else { return false }
        probe.unmount()
        return true
    }()

    /// Writes a filler file until the filesystem refuses (ENOSPC); returns the bytes written.
    @discardableResult
    func fill() throws -> Int {
        let url = path.appendingPathComponent("filler")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let fd = open(url.path, O_WRONLY | O_APPEND)
        guard fd >= 0 else { throw ServiceProcessError(message: "cannot open \(url.path)") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xA5, count: 4096)
        var total = 0
        while true {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            total += written
        }
        return total
    }

    /// Gives the space back.
    func free() throws {
        try FileManager.default.removeItem(at: path.appendingPathComponent("filler"))
    }

    func unmount() {
        _ = try? TinyFilesystem.run("/bin/umount", ["-l", path.path])
        try? FileManager.default.removeItem(at: path)
    }

    /// Runs a command to its end and returns its output.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tmpfs-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let child = try ChildProcess(executable: executable, arguments: arguments, output: log.path)
        let deadline = Date().addingTimeInterval(10)
        while child.isRunning {
            guard Date() < deadline else { child.stop(signal: SIGKILL); throw ServiceProcessError(message: "\(executable) hung") }
            usleep(5_000)
        }
        return (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }
}
