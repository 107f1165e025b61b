// The escalator's only source of time, injected so tests run weeks of escalations in milliseconds.
import Foundation
import Synchronization

public protocol EscalationClock: Sendable {
    var now: Date { get }
    /// Returns at `until` or later; throws when the task is cancelled.
    func sleep(until: Date) async throws
}

/// Wall-clock time.
public struct SystemEscalationClock: EscalationClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until: Date) async throws {
        let seconds = until.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000)) }
    }
}

/// A clock that moves only when told: sleepers wake as soon as `advance` passes their time.
public final class ManualEscalationClock: EscalationClock {
    private struct Sleeper {
        let until: Date
        let continuation: CheckedContinuation<Void, Error>
    }
    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
    }
    private let state: Mutex<State>

    public init(now: Date) { state = Mutex(State(now: now)) }

    public var now: Date { state.withLock { $0.now } }

    public func advance(to date: Date) {
        let due: [CheckedContinuation<Void, Error>] = state.withLock { state in
            state.now = max(state.now, date)
            let ready = state.sleepers.filter { $0.value.until <= state.now }
            for id in ready.keys { state.sleepers[id] = nil }
            return ready.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    public func advance(by seconds: TimeInterval) { advance(to: now.addingTimeInterval(seconds)) }

    public func sleep(until: Date) async throws {
        let id: UInt64 = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if until <= state.now || Task.isCancelled { return true }
                    state.sleepers[id] = Sleeper(until: until, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
