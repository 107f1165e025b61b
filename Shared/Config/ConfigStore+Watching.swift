// Reloading on SIGHUP and when the file changes on disk.
import Dispatch
import Foundation

extension ConfigStore {
    /// Reloads on SIGHUP and whenever the file's modification time, size or file number
    /// changes (checked every `pollInterval` seconds: simple, and works on every file system);
    /// a change is applied once it has held for one poll, so a half-written file is never read.
    /// SIGHUP's default action (terminating the process) is switched off for good.
    public func startWatching(pollInterval: Double = 1.0) {
        lock.withLock {
            guard pollTimer == nil else { return }
            let interval = max(pollInterval, 0.01)
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
            timer.setEventHandler { [weak self] in self?.reloadIfFileChanged() }
            timer.resume()
            pollTimer = timer
        }
        HangupSignal.shared.add(ObjectIdentifier(self)) { [weak self] in
            guard let self else { return }
            self.queue.async {
                self.logger.info("SIGHUP received; reloading the configuration", metadata: ["config": .string(self.path)])
                self.reload()
            }
        }
    }

    public func stopWatching() {
        HangupSignal.shared.remove(ObjectIdentifier(self))
        lock.withLock {
            pollTimer?.cancel()
            pollTimer = nil
        }
    }

    private func reloadIfFileChanged() {
        let now = FileStamp(path: path)
        // An invalid file is reported once per change, not once per poll; and a file still being written
        // (an editor saving in place truncates first) is read only once two polls agree on it.
        let settled = lock.withLock { () -> Bool in
            guard now != stamp else {
                settlingStamp = nil
                return false
            }
            defer { settlingStamp = now }
            return now == settlingStamp
        }
        if settled { reload() }
    }
}
