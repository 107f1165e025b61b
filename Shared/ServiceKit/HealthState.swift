// What /healthz reports: the store takes writes and the broker connection is up.
import Foundation
import Synchronization

public final class HealthState: Sendable {
    private let storeError = Mutex<String?>(nil)
    private let connected: @Sendable () -> Bool

    public init(connected: @escaping @Sendable () -> Bool) { self.connected = connected }

    public func storeFailed(_ reason: String) { storeError.withLock { $0 = reason } }
    public func storeRecovered() { storeError.withLock { if $0 != nil { $0 = nil } } }

    public struct Report: Codable, Sendable {
        public var status: String
        public var mqtt: String
        public var store: String
    }

    public var report: Report {
        let storeProblem = storeError.withLock { $0 }
        let mqttUp = connected()
        return Report(status: storeProblem == nil && mqttUp ? "ok" : "unhealthy",
                      mqtt: mqttUp ? "connected" : "disconnected",
                      store: storeProblem.map { "failing: \($0)" } ?? "ok")
    }
}
