// A hand-over between threads: producers push, consumers block until there is work (or a deadline), and `close` ends it.
import Foundation

public final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    private var discarding = false

    /// Set by `wake()`: the next `take(upTo:until:)` returns at once, with [] when nothing is queued.
    private var woken = false

    public init() {}

    public func push(_ newItems: [Element]) {
        guard !newItems.isEmpty else { return }
        condition.lock()
        items.append(contentsOf: newItems)
        // One item needs one taker: a broadcast woke all eight delivery threads for every dispatch, seven of them
        // to find nothing and sleep again.
        if newItems.count == 1 { condition.signal() } else { condition.broadcast() }
        condition.unlock()
    }

    /// Blocks until something is queued, then takes up to `limit` items, oldest first. Nil once closed: at once when the
    /// close discarded what was queued, otherwise after the queue is empty.
    public func take(upTo limit: Int) -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        if discarding || head == items.count { return nil }
        let end = min(items.count, head + limit)
        let taken = Array(items[head..<end])
        head = end
        // Compact now and then, so a long-running queue does not keep every item it ever held.
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return taken
    }

    /// Like `take(upTo:)`, but returns [] when `deadline` passes with nothing queued (nil once closed).
    public func take(upTo limit: Int, until deadline: Date) -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed && !woken {
            if !condition.wait(until: deadline) { break }
        }
        woken = false
        if discarding || (closed && head == items.count) { return nil }
        if head == items.count { return [] }
        let end = min(items.count, head + limit)
        let taken = Array(items[head..<end])
        head = end
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return taken
    }

    /// Ends a `take(upTo:until:)` in progress (or the next one) before its deadline, for work that is not an item.
    public func wake() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    /// - Parameter discardingQueued: true when what is still queued is kept elsewhere (the delivery table) and must
    ///   not be handed out any more; false when consumers should drain it first.
    public func close(discardingQueued: Bool) {
        condition.lock()
        closed = true
        discarding = discardingQueued
        condition.broadcast()
        condition.unlock()
    }
}
