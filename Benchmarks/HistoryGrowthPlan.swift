// The example-configuration run: a measured phase at a fixed rate on fresh stores, a history pushed through as fast as
// the pipeline delivers it, the same measured phase on the grown stores.
import Foundation

struct HistoryGrowthPlan: Sendable {
    let config: URL
    /// Alerts per second in the two measured phases: moderate, so both run at the same load and CPU per alert compares.
    let rate: Int
    /// Alerts per measured phase.
    let count: Int
    /// Alerts pushed through between them.
    let history: Int

    /// Sequence numbers the plan uses (warm-up not included).
    var alerts: Int { 2 * count + history }

    func run(on system: PipelineSystem, runner: PhaseRunner) -> HistoryGrowth {
        let load = Load.fixedRate(rate)
        func measured(_ label: String) -> PhaseResult {
            log("\(system.name): \(load), \(count) alerts, \(label)")
            let result = runner.run(load, count: count, on: system, label: "\(load), \(label)")
            log(String(format: "  delivered %d/%d, p50 %.2f ms, p99 %.2f ms, CPU %.0f µs per alert",
                       result.delivered, result.sent, result.p50, result.p99, HistoryGrowth.total(result)))
            return result
        }
        let start = measured("fresh stores")
        // Paced by end-to-end delivery, not by ingest's acknowledgements: ingest takes alerts ~3× as fast as the router
        // routes them on this configuration, and an open flood would measure a backlog in the broker, not history.
        let historyLoad = Load.delivered(window: 2000)
        log("\(system.name): history, \(history) alerts, \(historyLoad)")
        let pushed = runner.run(historyLoad, count: history, on: system, label: "\(historyLoad): the \(history.formatted()) alerts of history")
        log(String(format: "  delivered %d/%d, %.0f alerts/s", pushed.delivered, pushed.sent, pushed.throughput))
        let held = system.heldDispatches()
        let after = measured("after \(history.formatted()) alerts of history")
        return HistoryGrowth(start: start, history: pushed, after: after, heldAfterHistory: held)
    }
}
