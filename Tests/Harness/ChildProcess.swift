// A child process spawned with an empty signal mask and default handlers, for tests and the benchmark.
// Foundation's Process hands the parent thread's mask to the child; Swift concurrency and Dispatch threads block
// SIGTERM, so a broker or service started from a test would never see the SIGTERM of a graceful stop.
import Foundation
import Synchronization

public struct ChildProcessError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// The wait status once `waitpid` reaped the process.
    private let exitStatus = Mutex<Int32?>(nil)

    /// - Parameter output: file that receives stdout and stderr (appended); /dev/null when nil.
    public init(executable: String, arguments: [String], output: String?) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw ChildProcessError(message: "could not start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    public var isRunning: Bool {
        exitStatus.withLock { exitStatus in
            if exitStatus != nil { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = status
                return false
            }
            return true
        }
    }

    /// The exit code once the process has ended by itself (nil while it runs, or when a signal ended it).
    public var exitCode: Int32? {
        guard !isRunning else { return nil }
        let status = exitStatus.withLock { $0 ?? 0 }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : nil
    }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal`, waits up to `timeout` seconds, then SIGKILLs what is left. True if it exited in time.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 15) -> Bool {
        self.signal(signal)
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() > deadline {
                kill(pid, SIGKILL)
                while isRunning { usleep(2_000) }
                return false
            }
            usleep(2_000)
        }
        return true
    }
}
