// The lock-protected hand-over point between caller threads and the loop thread.
import Foundation

/// Callers enqueue publishes and a stop request; the loop thread takes them. Counts live here so
/// `pendingPublishes` is exact from any thread: a message is pending from `enqueue` until the loop
/// reports it acknowledged.
final class MQTTMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var wake: WakeUpPipe?
    private var queue: [MQTTPublish] = []
    private var head = 0
    private var handedOver = 0
    private var wakePending = false
    private var connected = false
    private var stopDeadline: Double?

    init() {}

    /// Before the loop thread starts; publishes enqueued earlier are simply waiting in the queue.
    func attach(_ wake: WakeUpPipe) {
        lock.lock()
        self.wake = wake
        // Invariant from here on: wakePending means a byte sits in the pipe.
        wakePending = false
        lock.unlock()
    }

    func enqueue<Messages: Collection<MQTTPublish>>(_ messages: Messages) {
        guard !messages.isEmpty else { return }
        lock.lock()
        queue.append(contentsOf: messages)
        let wakeToSignal = wakePending ? nil : wake
        wakePending = true
        lock.unlock()
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
        lock.lock()
        let wake = self.wake
        lock.unlock()
        wake?.drain()
        lock.lock()
        wakePending = false
        lock.unlock()
    }

    /// Loop thread: up to `limit` queued messages, oldest first.
    func take(upTo limit: Int) -> [MQTTPublish] {
        lock.lock()
        defer { lock.unlock() }
        let count = min(limit, queue.count - head)
        guard count > 0 else { return [] }
        let taken = Array(queue[head..<(head + count)])
        head += count
        handedOver += count
        if head == queue.count {
            queue.removeAll(keepingCapacity: queue.count < 65_536)
            head = 0
        } else if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return taken
    }

    /// Loop thread: messages taken but not accepted by libmosquitto go back to the front, in order.
    func giveBack(_ messages: [MQTTPublish]) {
        guard !messages.isEmpty else { return }
        lock.lock()
        queue.insert(contentsOf: messages, at: head)
        handedOver -= messages.count
        lock.unlock()
    }

    /// Loop thread: this many taken messages are finished (acknowledged or refused for good).
    func finished(_ count: Int) {
        guard count > 0 else { return }
        lock.lock()
        handedOver -= count
        lock.unlock()
    }

    var pending: Int {
        lock.lock()
        defer { lock.unlock() }
        return queue.count - head + handedOver
    }

    var isConnected: Bool {
        get { lock.lock(); defer { lock.unlock() }; return connected }
        set { lock.lock(); connected = newValue; lock.unlock() }
    }

    /// Keeps the earliest deadline when asked twice.
    func requestStop(deadline: Double) {
        lock.lock()
        stopDeadline = min(stopDeadline ?? deadline, deadline)
        let wake = self.wake
        lock.unlock()
        wake?.signal()
    }

    var requestedStop: Double? {
        lock.lock()
        defer { lock.unlock() }
        return stopDeadline
    }
}
