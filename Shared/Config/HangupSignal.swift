// The process's one SIGHUP source, shared by every watching ConfigStore.
import Dispatch
import Foundation

/// One signal source for the whole process, created on first use and never cancelled.
/// On Linux, libdispatch installs its own handler when the first source for a signal
/// registers and puts the previous disposition back when the last one is cancelled, but
/// does not install it again for a later source; a per-store source would therefore stop
/// hearing SIGHUP after the first store stops watching (tests and in-process system tests
/// start and stop several stores).
final class HangupSignal: @unchecked Sendable {
    static let shared = HangupSignal()

    // `listeners` and `source` are guarded by `lock`.
    private let lock = NSLock()
    private var listeners: [ObjectIdentifier: @Sendable () -> Void] = [:]
    private var source: (any DispatchSourceSignal)?
    private let queue = DispatchQueue(label: "alerting.config.sighup")

    /// Calls `handler` on every SIGHUP until `remove(owner)`.
    func add(_ owner: ObjectIdentifier, _ handler: @escaping @Sendable () -> Void) {
        lock.withLock {
            listeners[owner] = handler
            guard source == nil else { return }
            // Darwin delivers to the source only when the default action (terminate) is off.
            signal(SIGHUP, SIG_IGN)
            let signals = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
            signals.setEventHandler { [weak self] in self?.fire() }
            signals.resume()
            source = signals
        }
    }

    func remove(_ owner: ObjectIdentifier) {
        lock.withLock { _ = listeners.removeValue(forKey: owner) }
    }

    private func fire() {
        for handler in lock.withLock({ Array(listeners.values) }) { handler() }
    }
}
