// A child process spawned with an empty signal mask and default handlers (a copy of Tests/TestSupport/ChildProcess.swift).
// Foundation's Process hands the parent thread's mask to the child; Swift concurrency and Dispatch threads block
// SIGTERM, so a broker or service started from the bench would never see the SIGTERM of a graceful stop.
// Bench cannot depend on TestSupport (a test-only target), hence the copy.
import Foundation

struct BenchError: Error, CustomStringConvertible {
    enum Code: String { case spawn, broker, service, receiver, alertmanager, timeout }
    let code: Code
    let message: String
    var description: String { "bench \(code.rawValue): \(message)" }
}

final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// - Parameter output: file that receives stdout and stderr (appended); /dev/null when nil.
    init(executable: String, arguments: [String], output: String?) throws {
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
        guard rc == 0 else { throw BenchError(code: .spawn, message: "could not start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exitStatus = status
            return false
        }
        return true
    }

    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal`, waits up to `timeout` seconds, then SIGKILLs what is left. True if it exited in time.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Double = 15) -> Bool {
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
