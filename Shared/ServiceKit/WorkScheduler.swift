// Where work that must run later goes (a retry after a failed read): a timer owned by the service group.
public protocol WorkScheduler: Sendable {
    /// Runs `work` once, `delay` from now; never, when the service group stops first.
    func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void)
}
