// The configuration watcher: reloads when the file changes and on SIGHUP (an injected stream of hangups here; the
// real signal reaches a child process in SystemTests' HangupReloadTests), and stops with its task.
import Config
import Foundation
import Harness
import Logging
import ServiceKit
import Testing
import TestSupport

private func config(named name: String) -> String {
    """
    tenants:
      - id: t1
        name: \(name)
    """
}

/// A watcher running in a task of its own, cancelled when the test ends.
private struct RunningWatcher {
    let store: ConfigStore
    let hangups: AsyncStream<Void>.Continuation
    let task: Task<Void, Error>

    init(path: String, pollInterval: Duration) throws {
        let store = try ConfigStore(path: path, logger: Logger(label: "test"))
        let (stream, hangups) = AsyncStream<Void>.makeStream()
        let watcher = ConfigWatcher(config: store, pollInterval: pollInterval, hangups: stream, logger: Logger(label: "test"))
        self.store = store
        self.hangups = hangups
        task = Task { try await watcher.run() }
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

@Suite struct ConfigWatcherTests {
    @Test func aChangedFileIsReloadedOnceItHasSettled() async throws {
        let directory = temporaryDirectory("watcher-poll")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try TestConfig.write(config(named: "First"), in: directory)
        let watcher = try RunningWatcher(path: url.path, pollInterval: .milliseconds(50))
        defer { watcher.task.cancel() }

        _ = try TestConfig.write(config(named: "Polled"), in: directory)
        #expect(await eventually(timeout: 30) { watcher.store.current.tenants[0].name == "Polled" })
        #expect(watcher.store.reloadCount == 1)

        // An invalid change is reported once, not on every poll: a valid change after it is the barrier that shows
        // the polls went on meanwhile.
        _ = try TestConfig.write("tenants: [", in: directory)
        #expect(await eventually(timeout: 30) { watcher.store.failedReloadCount == 1 })
        _ = try TestConfig.write(config(named: "Valid again"), in: directory)
        #expect(await eventually(timeout: 30) { watcher.store.current.tenants[0].name == "Valid again" })
        #expect(watcher.store.failedReloadCount == 1)
        await watcher.stop()
    }

    @Test func aHangupReloadsWithoutAnyPoll() async throws {
        let directory = temporaryDirectory("watcher-hangup")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try TestConfig.write(config(named: "Before"), in: directory)
        // Polling effectively off: only the hangup can cause the reload.
        let watcher = try RunningWatcher(path: url.path, pollInterval: .seconds(3600))
        defer { watcher.task.cancel() }

        _ = try TestConfig.write(config(named: "After SIGHUP"), in: directory)
        watcher.hangups.yield()
        #expect(await eventually(timeout: 30) { watcher.store.reloadCount == 1 })
        #expect(watcher.store.current.tenants[0].name == "After SIGHUP")
        await watcher.stop()
    }

    @Test func aStoppedWatcherNoLongerReloads() async throws {
        let directory = temporaryDirectory("watcher-stopped")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try TestConfig.write(config(named: "t1"), in: directory)
        let watcher = try RunningWatcher(path: url.path, pollInterval: .milliseconds(20))
        await watcher.stop()

        _ = try TestConfig.write(config(named: "Unseen"), in: directory)
        watcher.hangups.yield()
        // The watcher's task has ended: nothing can reload any more, with no wait needed to see it.
        #expect(watcher.store.reloadCount == 0)
        #expect(watcher.store.current.tenants[0].name == "t1")
        #expect(watcher.store.reload(), "the change was there to be seen")
    }
}
