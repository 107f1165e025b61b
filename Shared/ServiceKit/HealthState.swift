// What /healthz reports: the store takes writes and the broker connection is up.
import Foundation
import MQTT
import Synchronization

public final class HealthState: Sendable {
    /// After a failed commit the store counts as failing for this long, even if a commit succeeds meanwhile:
    /// on a nearly full disk some commits still fit (SQLite reuses WAL pages a checkpoint freed), and a
    /// /healthz that flapped between ok and failing every few hundred milliseconds would help nobody.
    public static let holdDown: Double = 10

    private struct Store {
        var error: String?
        var lastError: String?
        var failedAt = -Double.infinity
    }
    private let store = Mutex(Store())
    /// Channels whose dispatches are held for want of a consumer, with how many wait (`ChannelPresence`).
    private let held = Mutex<[String: Int]>([:])
    private let connected: @Sendable () -> Bool
    private let clock: @Sendable () -> Double

    /// - Parameter clock: seconds that never jump (default: `ContinuousClock`, from now).
    public init(connected: @escaping @Sendable () -> Bool, clock: (@Sendable () -> Double)? = nil) {
        self.connected = connected
        let origin = ContinuousClock.now
        self.clock = clock ?? { origin.duration(to: .now).seconds }
    }

    public func storeFailed(_ reason: String) {
        let now = clock()
        store.withLock { $0.error = reason; $0.lastError = reason; $0.failedAt = now }
    }

    public func storeRecovered() { store.withLock { if $0.error != nil { $0.error = nil } } }

    public func setHeld(_ counts: [String: Int]) { held.withLock { $0 = counts } }

    public struct Report: Codable, Sendable {
        public var status: String
        public var mqtt: String
        public var store: String
        /// Channel → dispatches held because nobody consumes the channel now; absent when none are. A held channel
        /// does not make the service unhealthy: it is waiting for someone else.
        public var held: [String: Int]?
    }

    public var report: Report {
        let now = clock()
        let storeProblem = store.withLock { state in
            state.error ?? (now - state.failedAt < Self.holdDown ? state.lastError : nil)
        }
        let mqttUp = connected()
        return Report(status: storeProblem == nil && mqttUp ? "ok" : "unhealthy",
                      mqtt: mqttUp ? "connected" : "disconnected",
                      store: storeProblem.map { "failing: \($0)" } ?? "ok",
                      held: held.withLock { $0.isEmpty ? nil : $0 })
    }
}
