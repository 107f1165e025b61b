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
public final class Checkpointer: Sendable {
    public static let safetyNetPages = 20_000
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
        configuration.busyMode = .timeout(1)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [self] in
            run(connection)
            finished.signal()
        }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    private func run(_ connection: DatabaseQueue) {
        var failures = 0
        while !stopping.withLock({ $0 }) {
            Thread.sleep(forTimeInterval: interval)
            do {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
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

    func stop() {
        stopping.withLock { $0 = true }
        finished.wait()
    }
}
