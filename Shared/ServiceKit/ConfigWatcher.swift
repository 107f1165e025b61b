// Reloads the configuration on SIGHUP and when its file changes on disk, for as long as the service group runs.
import Config
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The file is polled every `pollInterval` (its modification time, size and file number: simple, and works on every
/// file system); a change is applied once it has held for one poll, so a half-written file is never read.
public struct ConfigWatcher: Service {
    let config: ConfigStore
    let pollInterval: Duration
    let hangups: AsyncStream<Void>?
    let logger: Logger

    /// - Parameter hangups: stands for the process's SIGHUP (tests); nil: SIGHUP itself, whose default action
    ///   (terminating the process) is then switched off for good.
    public init(config: ConfigStore, pollInterval: Duration = .seconds(1), hangups: AsyncStream<Void>? = nil, logger: Logger) {
        self.config = config
        self.pollInterval = max(pollInterval, .milliseconds(10))
        self.hangups = hangups
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await poll() }
                group.addTask { await listen() }
            }
        }
    }

    private func poll() async {
        while true {
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return
            }
            config.reloadIfFileChanged()
        }
    }

    private func listen() async {
        if let hangups {
            for await _ in hangups { reloadOnHangup() }
            return
        }
        // SIGHUP's default action ends the process: off for good, before and after the signal source (libdispatch puts
        // the disposition it found back when its last source goes).
        signal(SIGHUP, SIG_IGN)
        let signals = await UnixSignalsSequence(trapping: .sighup)
        logger.debug("SIGHUP reloads the configuration", metadata: ["config": .string(config.path)])
        for await _ in signals { reloadOnHangup() }
    }

    private func reloadOnHangup() {
        logger.info("SIGHUP received; reloading the configuration", metadata: ["config": .string(config.path)])
        config.reload()
    }
}
