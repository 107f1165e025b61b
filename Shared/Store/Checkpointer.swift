// Copies a Store's WAL back into its database file from a thread of its own, so the service's writer never does.
import Foundation
import GRDB
import Logging
import Synchronization

/// SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold: on the MQTT loop thread
/// of a service, it read back the WAL, wrote the pages into the database file and waited for fdatasync,
/// ~15 % of the router's CPU at full load (profiled) and a stall of milliseconds in the middle of a batch.
/// Here a PASSIVE checkpoint (it never blocks the writer, nor waits for readers) runs on its own
/// connection and thread every `interval`, and the writer's automatic one only remains as a safety net far
/// above what the background thread lets the WAL reach.
///
/// A PASSIVE checkpoint alone never lets the WAL start over while the writer is busy: the writer resets the log only
/// at a transaction that finds every frame copied back, and under sustained load there is always a newer frame. The
/// WAL then grew to the safety net (80 MB), every frame was written into newly allocated file blocks (which ext4
/// zeroes first: 5 % of the webhook gateway's CPU), and the writer's own checkpoint of 80 MB stalled it. So once the
/// log holds `restartBytes` of frames after a PASSIVE pass, a RESTART follows: it holds the writer for the frames
/// appended since that pass and makes the next transaction write from the start of the file again. SQLite's busy
/// handler polls, and a writer that starts its next transaction right after each commit took the lock back between
/// every two polls, so the RESTART starved; the writer therefore gives way: after a commit it waits (at most
/// `giveWayLimit`) while a RESTART is asked for (`Store.write`).
public final class Checkpointer: Sendable {
    /// The writer's own automatic checkpoint, as a safety net: 80 MB of WAL.
    public static let safetyNetBytes = 80 << 20
    /// A RESTART follows a PASSIVE pass that leaves the WAL this long: 8 MB.
    public static let restartBytes = 8 << 20
    static let giveWayLimit = 0.1
    /// True while a RESTART checkpoint waits for the writer or runs.
    private let restartAsked = NSCondition()
    nonisolated(unsafe) private var restarting = false
    private let path: String
    private let interval: Double
    private let logger: Logger
    private let stopping = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, interval: Double, logger: Logger) {
        self.path = path
        self.interval = interval
        self.logger = logger
    }

    func start() throws {
        var configuration = Configuration()
        configuration.label = "checkpoint"
        // Only the RESTART waits (PASSIVE never does): for the writer's transaction in hand to end, then for readers to
        // leave the WAL, while holding the write lock. 0.2 s bounds how long a slow reader (an analytics query) can hold
        // the writer up that way; a RESTART that times out is tried again at the next round.
        configuration.busyMode = .timeout(0.2)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [self] in
            run(connection)
            finished.signal()
        }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    private func run(_ connection: DatabaseQueue) {
        let pageSize = (try? connection.read { try Int.fetchOne($0, sql: "PRAGMA page_size") }) ?? Store.pageSize
        let restartFrames = Checkpointer.restartBytes / max(512, pageSize)
        var failures = 0
        while !stopping.withLock({ $0 }) {
            Thread.sleep(forTimeInterval: interval)
            do {
                let passive = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                if passive.walFrameCount >= restartFrames {
                    setRestarting(true)
                    defer { setRestarting(false) }
                    do {
                        _ = try connection.writeWithoutTransaction { try $0.checkpoint(.restart) }
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                        // A reader or a long transaction outlasted the busy timeout: the next round tries again.
                    }
                }
                failures = 0
            } catch {
                // Busy or disk trouble: the writer's own (automatic) checkpoint is still there; try again next round.
                failures += 1
                if failures == 1 || failures % 100 == 0 {
                    logger.warning("background WAL checkpoint failed (\(failures) in a row): \(error)")
                }
            }
        }
    }

    private func setRestarting(_ value: Bool) {
        restartAsked.lock()
        restarting = value
        if !value { restartAsked.broadcast() }
        restartAsked.unlock()
    }

    /// The writer, between two transactions: waits while a RESTART checkpoint is asked for, at most `giveWayLimit`.
    func giveWayIfAsked() {
        restartAsked.lock()
        defer { restartAsked.unlock() }
        guard restarting else { return }
        let deadline = Date().addingTimeInterval(Checkpointer.giveWayLimit)
        while restarting, restartAsked.wait(until: deadline) {}
    }

    func stop() {
        stopping.withLock { $0 = true }
        finished.wait()
    }
}
