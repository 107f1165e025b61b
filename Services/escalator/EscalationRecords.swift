// The escalator's tables: alert escalation states, pending timers (indexed by due time) and the attention log.
import Contracts
import Foundation
import GRDB
import Store

public enum EscalationRecords {
    public static let migrations: [Migration] = [
        Migration("0101_escalations") { db in
            // States without their timers; the timers are rows of their own, so finding what is due is one index seek.
            try db.execute(sql: """
                CREATE TABLE escalation_alerts (
                    alert_id TEXT PRIMARY KEY NOT NULL,
                    tenant TEXT NOT NULL,
                    status TEXT NOT NULL,
                    level INTEGER NOT NULL,
                    state BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE escalation_timers (
                    alert_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    pass INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    due_at REAL NOT NULL,
                    PRIMARY KEY (alert_id, key)
                ) WITHOUT ROWID;
                CREATE INDEX escalation_timers_due ON escalation_timers(due_at);
                CREATE TABLE attention_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alert_id TEXT NOT NULL,
                    tenant TEXT NOT NULL,
                    at REAL NOT NULL,
                    entry BLOB NOT NULL
                );
                CREATE INDEX attention_log_alert ON attention_log(alert_id, id);
                """)
        },
        Migration("0102_escalations_resolved") { db in
            // When a state was resolved, for pruning; states resolved before this column existed count from now.
            try db.execute(sql: """
                ALTER TABLE escalation_alerts ADD COLUMN resolved_at REAL;
                UPDATE escalation_alerts SET resolved_at = CAST(strftime('%s', 'now') AS REAL) WHERE status = 'resolved';
                CREATE INDEX escalation_alerts_resolved ON escalation_alerts(resolved_at) WHERE resolved_at IS NOT NULL;
                """)
        },
    ]

    // `StoredState`, the state stored in the row, and `AttentionEntry` are generated from JSONTypes.yaml.

    // MARK: states

    public static func state(_ db: Database, alertID: String) throws -> AlertEscalation? {
        let statement = try db.cachedStatement(sql: "SELECT state FROM escalation_alerts WHERE alert_id = ?")
        guard let blob = try Data.fetchOne(statement, arguments: [alertID]) else { return nil }
        let stored = try JSONCoding.decode(StoredState.self, from: blob)
        return AlertEscalation(alert: stored.alert, status: stored.status, level: stored.level, deadlineLevel: stored.deadlineLevel,
                               timers: try timers(db, alertID: alertID))
    }

    /// Writes the state and brings the alert's timer rows in line with `state.timers` (only the differences are written).
    public static func save(_ db: Database, _ state: AlertEscalation, previous: [EscalationTimer]) throws {
        let stored = StoredState(alert: state.alert, status: state.status, level: state.level, deadlineLevel: state.deadlineLevel)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO escalation_alerts (alert_id, tenant, status, level, state, resolved_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(alert_id) DO UPDATE SET status = excluded.status, level = excluded.level, state = excluded.state,
                resolved_at = excluded.resolved_at
            """)
        let resolvedAt = state.status == .resolved ? (state.alert.resolvedAt ?? state.alert.updatedAt).timeIntervalSince1970 : nil
        try statement.execute(arguments: [state.alert.id, state.alert.tenant, state.status.rawValue, state.level, try JSONCoding.encode(stored),
                                          resolvedAt])
        let kept = Set(state.timers)
        let delete = try db.cachedStatement(sql: "DELETE FROM escalation_timers WHERE alert_id = ? AND key = ?")
        for timer in previous where !kept.contains(timer) {
            try delete.execute(arguments: [state.alert.id, timer.key])
        }
        let old = Set(previous)
        for timer in state.timers where !old.contains(timer) { try insert(db, alertID: state.alert.id, timer) }
    }

    static func insert(_ db: Database, alertID: String, _ timer: EscalationTimer) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO escalation_timers (alert_id, key, kind, pass, idx, due_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [alertID, timer.key, timer.kind.rawValue, timer.pass, timer.index, timer.dueAt.timeIntervalSince1970])
    }

    // MARK: timers

    public static func timers(_ db: Database, alertID: String) throws -> [EscalationTimer] {
        let statement = try db.cachedStatement(sql: "SELECT kind, pass, idx, due_at FROM escalation_timers WHERE alert_id = ?")
        return try Row.fetchAll(statement, arguments: [alertID]).compactMap(timer)
    }

    private static func timer(_ row: Row) -> EscalationTimer? {
        guard let kind = EscalationTimer.Kind(rawValue: row[0]) else { return nil }
        return EscalationTimer(kind: kind, pass: row[1], index: row[2], dueAt: Date(timeIntervalSince1970: row[3]))
    }

    /// Timers due at or before `now`, earliest first: (alert id, timer).
    public static func due(_ db: Database, now: Date, limit: Int) throws -> [(alertID: String, timer: EscalationTimer)] {
        let statement = try db.cachedStatement(sql: """
            SELECT alert_id, kind, pass, idx, due_at FROM escalation_timers WHERE due_at <= ? ORDER BY due_at LIMIT ?
            """)
        return try Row.fetchAll(statement, arguments: [now.timeIntervalSince1970, limit]).compactMap { row in
            guard let kind = EscalationTimer.Kind(rawValue: row[1]) else { return nil }
            return (row[0], EscalationTimer(kind: kind, pass: row[2], index: row[3], dueAt: Date(timeIntervalSince1970: row[4])))
        }
    }

    /// The earliest pending due time: the only time the timer loop keeps in memory.
    public static func nextDue(_ db: Database) throws -> Date? {
        let statement = try db.cachedStatement(sql: "SELECT MIN(due_at) FROM escalation_timers")
        return try Double.fetchOne(statement).map(Date.init(timeIntervalSince1970:))
    }

    public static func pendingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM escalation_timers")) ?? 0
    }

    public static func removeTimer(_ db: Database, alertID: String, key: String) throws {
        try db.cachedStatement(sql: "DELETE FROM escalation_timers WHERE alert_id = ? AND key = ?").execute(arguments: [alertID, key])
    }

    // MARK: attention log

    public static func append(_ db: Database, alertID: String, tenant: String, _ entries: [AttentionEntry]) throws {
        guard !entries.isEmpty else { return }
        let statement = try db.cachedStatement(sql: "INSERT INTO attention_log (alert_id, tenant, at, entry) VALUES (?, ?, ?, ?)")
        for entry in entries {
            try statement.execute(arguments: [alertID, tenant, entry.at.timeIntervalSince1970, try JSONCoding.encode(entry)])
        }
    }

    /// Everything that happened to the alert's escalation, oldest first.
    public static func attentionLog(_ db: Database, alertID: String) throws -> [AttentionEntry] {
        let statement = try db.cachedStatement(sql: "SELECT entry FROM attention_log WHERE alert_id = ? ORDER BY id")
        return try Data.fetchAll(statement, arguments: [alertID]).map { try JSONCoding.decode(AttentionEntry.self, from: $0) }
    }

    // MARK: pruning

    /// Deletes up to `limit` rows of alerts resolved before `before`: each one's attention log, timers and state,
    /// earliest resolution first. An alert whose log did not fit keeps its state until the next call; open,
    /// acknowledged and expired alerts (still open at ingest) always stay. Returns how many rows went.
    public static func pruneResolved(_ db: Database, before: Date, limit: Int) throws -> Int {
        let alerts = try String.fetchAll(db.cachedStatement(sql: """
            SELECT alert_id FROM escalation_alerts WHERE resolved_at IS NOT NULL AND resolved_at < ? ORDER BY resolved_at LIMIT ?
            """), arguments: [before.timeIntervalSince1970, limit])
        var budget = limit
        for alertID in alerts {
            try db.cachedStatement(sql: """
                DELETE FROM attention_log WHERE id IN (SELECT id FROM attention_log WHERE alert_id = ? ORDER BY id LIMIT ?)
                """).execute(arguments: [alertID, budget])
            budget -= db.changesCount
            if budget == 0 { break }
            try db.cachedStatement(sql: "DELETE FROM escalation_timers WHERE alert_id = ?").execute(arguments: [alertID])
            try db.cachedStatement(sql: "DELETE FROM escalation_alerts WHERE alert_id = ?").execute(arguments: [alertID])
            budget -= 1
            if budget <= 0 { break }
        }
        return limit - max(budget, 0)
    }

    // MARK: benchmark

    /// Creates `count` pending escalations (a triggered alert of `tenant` with one policy-step timer each) in the
    /// escalator's store, due one after another from `firstDue` every `spacing` seconds, in transactions of `batch`.
    /// Alert ids are `bench-<n>`. For the benchmark: measure the process with this many pending rows.
    /// Give a `service` whose escalation policy exists in the configuration for the steps to publish when due.
    public static func createPending(in store: Store, count: Int, tenant: String, service: String? = nil, firstDue: Date,
                                     spacing: TimeInterval, batch: Int = 10_000) throws {
        var created = 0
        while created < count {
            let upper = min(count, created + batch)
            try store.write { db in
                for number in created..<upper {
                    let dueAt = firstDue.addingTimeInterval(Double(number) * spacing)
                    let alert = Alert(id: "bench-\(number)", tenant: tenant, dedupKey: "bench-\(number)", severity: .critical,
                                      summary: "benchmark alert \(number)", service: service, createdAt: dueAt)
                    let state = AlertEscalation(alert: alert, timers: [EscalationTimer(kind: .policyStep, dueAt: dueAt)])
                    try save(db, state, previous: [])
                }
            }
            created = upper
        }
    }
}
