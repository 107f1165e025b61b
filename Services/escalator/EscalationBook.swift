// The pending escalations of this instance: events change them and due timers fire them, each in one transaction.
import Config
import Contracts
import Foundation
import GRDB
import Store

public struct EscalationBook: Sendable {
    public let store: Store
    public let rules: EscalationRules
    public let topics: Topics
    /// The CloudEvents `source` of the steps published.
    public let source: String
    let tenant: @Sendable (String) -> Tenant?

    public init(store: Store, rules: EscalationRules, topics: Topics, source: String, tenant: @escaping @Sendable (String) -> Tenant?) {
        self.store = store
        self.rules = rules
        self.topics = topics
        self.source = source
        self.tenant = tenant
    }

    /// Applies a lifecycle event inside the caller's transaction; steps to publish go to `publish` (the outbox).
    /// Returns the earliest due time among the timers the event added (the timer loop must look again if it
    /// sleeps past it), nil when it added none.
    @discardableResult
    public func apply(_ envelope: Envelope<AlertEvent>, _ db: Database, now: Date,
                      publish: (Envelope<EscalationStepTaken>, String) throws -> Void) throws -> Date? {
        let event = envelope.data
        let current = try EscalationRecords.state(db, alertID: event.alert.id)
        if let current, current.alert.tenant != envelope.tenant { return nil }
        let outcome = rules.apply(event, eventID: envelope.id, to: current, tenant: tenant(envelope.tenant), now: now)
        return try record(outcome, previous: current?.timers ?? [], db, now: now, publish: publish)
    }

    /// Fires what is due at `now`, up to `limit` timers, in one transaction; returns the outbox rows to relay and how many fired.
    public func fireDue(now: Date, limit: Int = 500) throws -> (published: [OutboxMessage], fired: Int) {
        try store.write { db in
            var published: [OutboxMessage] = []
            let due = try EscalationRecords.due(db, now: now, limit: limit)
            for (alertID, timer) in due {
                guard let state = try EscalationRecords.state(db, alertID: alertID) else {
                    try EscalationRecords.removeTimer(db, alertID: alertID, key: timer.key)
                    continue
                }
                let outcome = rules.fire(timer, in: state, tenant: tenant(state.alert.tenant), now: now)
                if outcome.state?.timers.contains(timer) == true {
                    // Not a timer the state knows (should not happen): drop the row so it cannot fire forever.
                    try EscalationRecords.removeTimer(db, alertID: alertID, key: timer.key)
                }
                try record(outcome, previous: state.timers, db, now: now) { envelope, topic in
                    published.append(try Outbox.enqueue(db, topic: topic, payload: try envelope.encoded()))
                }
            }
            return (published, due.count)
        }
    }

    public func nextDue() throws -> Date? {
        try store.read { try EscalationRecords.nextDue($0) }
    }

    public func state(alertID: String) throws -> AlertEscalation? {
        try store.read { try EscalationRecords.state($0, alertID: alertID) }
    }

    public func attentionLog(alertID: String) throws -> [AttentionEntry] {
        try store.read { try EscalationRecords.attentionLog($0, alertID: alertID) }
    }

    private func record(_ outcome: EscalationOutcome, previous: [EscalationTimer], _ db: Database, now: Date,
                        publish: (Envelope<EscalationStepTaken>, String) throws -> Void) throws -> Date? {
        guard let state = outcome.state else { return nil }
        try EscalationRecords.save(db, state, previous: previous)
        try EscalationRecords.append(db, alertID: state.alert.id, tenant: state.alert.tenant, outcome.log)
        for planned in outcome.steps {
            // Derived from the alert and the timer: a step re-published after a crash keeps its id, so consumers drop the copy.
            let envelope = Envelope(id: MessageID.derived(state.alert.id, planned.key), source: source, tenant: state.alert.tenant,
                                    time: now, data: planned.step)
            try publish(envelope, topics.escalations(tenant: state.alert.tenant, alertId: state.alert.id))
        }
        let before = Set(previous)
        return state.timers.filter { !before.contains($0) }.map(\.dueAt).min()
    }
}
