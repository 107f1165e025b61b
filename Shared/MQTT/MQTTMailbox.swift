// The lock-protected hand-over point between caller threads and the loop thread.
import Synchronization

/// Callers enqueue publishes and a stop request; the loop thread takes them. Counts live here so
/// `pendingPublishes` is exact from any thread: a message is pending from `enqueue` until the loop
/// reports it acknowledged.
final class MQTTMailbox: Sendable {
    private struct State {
        var wake: WakeUpPipe?
        var queue: [MQTTPublish] = []
        var head = 0
        var handedOver = 0
        var wakePending = false
        var connected = false
        var stopDeadline: Double?
        var noSubscriberAnswers = 0
    }
    private let state = Mutex(State())

    init() {}

    /// Before the loop thread starts; publishes enqueued earlier are simply waiting in the queue.
    func attach(_ wake: WakeUpPipe) {
        state.withLock { state in
            state.wake = wake
            // Invariant from here on: wakePending means a byte sits in the pipe.
            state.wakePending = false
        }
    }

    func enqueue<Messages: Collection<MQTTPublish>>(_ messages: Messages) {
        guard !messages.isEmpty else { return }
        let wakeToSignal = state.withLock { state -> WakeUpPipe? in
            state.queue.append(contentsOf: messages)
            defer { state.wakePending = true }
            return state.wakePending ? nil : state.wake
        }
        // One write per poll() round is enough; a burst of publishes costs one syscall.
        wakeToSignal?.signal()
    }

    /// Loop thread, right after poll() returned: later enqueues must signal again.
    ///
    /// Drain first, then clear the flag. The other order lost wake-ups for good: an enqueue between clearing the
    /// flag and draining set the flag again and wrote a byte that the drain then swallowed, leaving the flag set
    /// over an empty pipe, so every later enqueue skipped its signal and the loop only woke at its 1 s poll
    /// timeout. The bench showed it as runs where a publishing client's messages reached the broker up to a
    /// second late, for the rest of the run.
    func drainWake() {
        let wake = state.withLock { $0.wake }
        wake?.drain()
        state.withLock { $0.wakePending = false }
    }

    /// Loop thread: up to `limit` queued messages, oldest first.
    func take(upTo limit: Int) -> [MQTTPublish] {
        state.withLock { state in
            let count = min(limit, state.queue.count - state.head)
            guard count > 0 else { return [] }
            let taken = Array(state.queue[state.head..<(state.head + count)])
            state.head += count
            state.handedOver += count
            if state.head == state.queue.count {
                state.queue.removeAll(keepingCapacity: state.queue.count < 65_536)
                state.head = 0
            } else if state.head > 4096 && state.head * 2 > state.queue.count {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            return taken
        }
    }

    /// Loop thread: messages taken but not accepted by libmosquitto go back to the front, in order.
    func giveBack(_ messages: [MQTTPublish]) {
        guard !messages.isEmpty else { return }
        state.withLock { state in
            state.queue.insert(contentsOf: messages, at: state.head)
            state.handedOver -= messages.count
        }
    }

    /// Loop thread: this many taken messages are finished (acknowledged or refused for good).
    func finished(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.handedOver -= count }
    }

    /// Loop thread: the broker answered a publish with "no matching subscribers".
    func answeredNoSubscriber() {
        state.withLock { $0.noSubscriberAnswers += 1 }
    }

    var noSubscriberAnswers: Int { state.withLock { $0.noSubscriberAnswers } }

    var pending: Int {
        state.withLock { $0.queue.count - $0.head + $0.handedOver }
    }

    var isConnected: Bool {
        get { state.withLock { $0.connected } }
        set { state.withLock { $0.connected = newValue } }
    }

    /// Keeps the earliest deadline when asked twice.
    func requestStop(deadline: Double) {
        let wake = state.withLock { state -> WakeUpPipe? in
            state.stopDeadline = min(state.stopDeadline ?? deadline, deadline)
            return state.wake
        }
        wake?.signal()
    }

    var requestedStop: Double? {
        state.withLock { $0.stopDeadline }
    }
}
