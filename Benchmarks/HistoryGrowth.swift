// CPU per alert on the example configuration over fresh stores and again after a history of alerts: a per-alert
// cost that grows with the tables (a scan, an index that does not fit, a held lane counted per message) shows here.
import Foundation

struct HistoryGrowth: Sendable {
    /// The second measured phase may cost at most this much more per alert than the first.
    static let limit = 1.2

    let start: PhaseResult
    let history: PhaseResult
    let after: PhaseResult
    /// The router's held dispatches per channel once the history is in, as its /healthz reported them.
    let heldAfterHistory: [String: Int]

    static func perAlert(_ result: PhaseResult) -> [(name: String, micros: Double)] {
        result.usage.map { ($0.name, result.delivered > 0 ? $0.cpuSeconds / Double(result.delivered) * 1e6 : 0) }
    }

    static func total(_ result: PhaseResult) -> Double { perAlert(result).reduce(0) { $0 + $1.micros } }

    var ratio: Double {
        let first = Self.total(start)
        return first > 0 ? Self.total(after) / first : 0
    }

    /// A measured phase whose median latency is this high fell behind its fixed rate: its services then commit larger
    /// batches and spend less CPU per alert, so the two phases no longer compare like for like (a loaded machine).
    static let behindMillis = 50.0

    var comparable: Bool { start.p50 < Self.behindMillis && after.p50 < Self.behindMillis }

    var complete: Bool { start.delivered == start.sent && after.delivered == after.sent && history.delivered == history.sent }
    var met: Bool { complete && ratio <= Self.limit }

    var markdown: [String] {
        var out: [String] = []
        out.append("CPU µs per delivered alert (both press-line webhooks arrived), per process, in the two measured phases: "
                   + "\(start.label) and \(after.label); between them \(history.sent.formatted()) alerts pushed through as fast as the pipeline delivered them "
                   + "(\(history.load), \(Int(history.throughput.rounded()).formatted()) alerts/s).")
        out.append("")
        out.append("| Process | start µs / alert | after history µs / alert | after / start |")
        out.append("|---|--:|--:|--:|")
        let first = Self.perAlert(start), second = Dictionary(Self.perAlert(after).map { ($0.name, $0.micros) }) { a, _ in a }
        for (name, micros) in first {
            let later = second[name] ?? 0
            out.append("| \(name) | \(Int(micros.rounded())) | \(Int(later.rounded())) | \(micros > 0 ? String(format: "%.2f", later / micros) : "–") |")
        }
        out.append("| **total** | **\(Int(Self.total(start).rounded()))** | **\(Int(Self.total(after).rounded()))** | **\(String(format: "%.2f", ratio))** |")
        out.append("")
        let verdict = met ? "met" : "**not met**"
        out.append("- CPU per alert after \(history.sent.formatted()) alerts of history / at the start: \(String(format: "%.2f", ratio)) "
                   + "(target ≤ \(String(format: "%.2f", Self.limit))): \(verdict)"
                   + (comparable ? "" : " (not like for like: a measured phase fell behind its rate, p50 "
                      + "\(String(format: "%.0f", start.p50)) / \(String(format: "%.0f", after.p50)) ms; re-run on a quieter machine)")
                   + (complete ? "" : " (not every alert delivered: \(start.sent - start.delivered) + \(history.sent - history.delivered) + \(after.sent - after.delivered) missing)"))
        let held = heldAfterHistory.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.formatted())" }
        out.append("- Dispatches held in the router's outbox after the history (no consumer announced): "
                   + (held.isEmpty ? "none reported" : held.joined(separator: ", ")))
        return out
    }
}
