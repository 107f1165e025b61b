// The alert lifecycle as a pure state machine: triggered → acknowledged → resolved, with dedup of repeats.
import Contracts
import Foundation

public enum LifecycleCommand: Sendable, Equatable {
    case trigger(AlertIntake)
    case acknowledge(by: String?, via: String?)
    case resolve(by: String?, via: String?)
    case escalate(by: String?, via: String?, reason: String)
    case note(by: String?, via: String?, text: String)
}

public enum LifecycleOutcome: Sendable, Equatable {
    /// The alert changed: store it, publish its state (retained) and this event.
    case changed(Alert, AlertEvent)
    /// Nothing to do, and why (an ack of an acknowledged alert, a resolve of a resolved one).
    case unchanged(String)
}

public enum AlertLifecycle {
    /// - Parameters:
    ///   - existing: the open alert with this dedup key (for triggers) or the alert named (for the rest); nil if none.
    ///   - newID: the id a new alert gets.
    public static func apply(_ command: LifecycleCommand, to existing: Alert?, tenant: String, dedupKey: String,
                             newID: @autoclosure () -> String, now: Date) -> LifecycleOutcome {
        switch command {
        case .trigger(let intake):
            if var alert = existing, alert.isOpen {
                alert.count += 1
                alert.lastSeenAt = now
                alert.updatedAt = now
                alert.severity = intake.severity
                if !intake.summary.isEmpty { alert.summary = intake.summary }
                if let deadline = intake.deadline { alert.deadline = deadline }
                for (key, value) in intake.details { alert.details[key] = value }
                if !intake.links.isEmpty { alert.links = intake.links }
                return .changed(alert, AlertEvent(kind: .updated, alert: alert, via: "device"))
            }
            let alert = Alert(id: newID(), tenant: tenant, dedupKey: dedupKey, severity: intake.severity, summary: intake.summary,
                              category: intake.category, type: intake.type, service: intake.service, source: intake.source,
                              deadline: intake.deadline, details: intake.details, links: intake.links, format: intake.format,
                              createdAt: now)
            return .changed(alert, AlertEvent(kind: .triggered, alert: alert, via: "device"))

        case .acknowledge(let by, let via):
            guard var alert = existing else { return .unchanged("no such alert") }
            switch alert.status {
            case .resolved: return .unchanged("alert is resolved")
            case .acknowledged: return .unchanged("alert is acknowledged already")
            case .triggered:
                alert.status = .acknowledged
                alert.acknowledgedBy = by
                alert.acknowledgedAt = now
                alert.updatedAt = now
                alert.nextEscalationAt = nil
                return .changed(alert, AlertEvent(kind: .acknowledged, alert: alert, by: by, via: via))
            }

        case .resolve(let by, let via):
            guard var alert = existing else { return .unchanged("no such alert") }
            guard alert.status != .resolved else { return .unchanged("alert is resolved already") }
            alert.status = .resolved
            alert.resolvedBy = by
            alert.resolvedAt = now
            alert.updatedAt = now
            alert.nextEscalationAt = nil
            return .changed(alert, AlertEvent(kind: .resolved, alert: alert, by: by, via: via))

        case .escalate(let by, let via, let reason):
            guard var alert = existing else { return .unchanged("no such alert") }
            guard alert.status != .resolved else { return .unchanged("alert is resolved") }
            alert.updatedAt = now
            return .changed(alert, AlertEvent(kind: .escalated, alert: alert, by: by, via: via, reason: reason))

        case .note(let by, let via, let text):
            guard var alert = existing else { return .unchanged("no such alert") }
            alert.updatedAt = now
            return .changed(alert, AlertEvent(kind: .noted, alert: alert, by: by, via: via, note: text))
        }
    }
}
