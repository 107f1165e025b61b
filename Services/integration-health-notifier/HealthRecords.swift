// The notifier's SQLite tables: each integration's health, flap windows, run-time preferences and sent dispatches.
import Config
import Contracts
import Foundation
import GRDB
import Store

public enum HealthRecords {
    public static let migrations: [Migration] = [
        Migration("0701_integration_health") { db in
            try db.execute(sql: """
                CREATE TABLE integration_health (
                    tenant TEXT NOT NULL,
                    integration_id TEXT NOT NULL,
                    state BLOB NOT NULL,
                    PRIMARY KEY (tenant, integration_id)
                ) WITHOUT ROWID;
                CREATE TABLE integration_flaps (
                    tenant TEXT NOT NULL,
                    integration_id TEXT NOT NULL,
                    damping_key TEXT NOT NULL,
                    opened_at REAL NOT NULL,
                    damped INTEGER NOT NULL,
                    PRIMARY KEY (tenant, integration_id, damping_key)
                ) WITHOUT ROWID;
                CREATE TABLE integration_preferences (
                    tenant TEXT NOT NULL,
                    user TEXT NOT NULL,
                    overrides BLOB NOT NULL,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (tenant, user)
                ) WITHOUT ROWID;
                CREATE TABLE integration_dispatches (
                    dispatch_id TEXT PRIMARY KEY NOT NULL,
                    first_id TEXT NOT NULL,
                    tenant TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    user TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    envelope BLOB NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX integration_dispatches_at ON integration_dispatches(at);
                """)
        },
    ]

    // MARK: health

    public static func health(_ db: Database, tenant: String, integrationId: String) throws -> IntegrationHealth? {
        guard let data = try Data.fetchOne(db, sql: "SELECT state FROM integration_health WHERE tenant = ? AND integration_id = ?",
                                           arguments: [tenant, integrationId]) else { return nil }
        return try JSONCoding.decode(IntegrationHealth.self, from: data)
    }

    static func save(_ db: Database, _ health: IntegrationHealth) throws -> Data {
        let data = try JSONCoding.encode(health)
        try db.execute(sql: "INSERT OR REPLACE INTO integration_health (tenant, integration_id, state) VALUES (?, ?, ?)",
                       arguments: [health.tenant, health.integrationId, data])
        return data
    }

    // MARK: flap windows

    static func window(_ db: Database, tenant: String, integrationId: String, key: String) throws -> FlapDamper.Window? {
        try Row.fetchOne(db, sql: """
            SELECT opened_at, damped FROM integration_flaps WHERE tenant = ? AND integration_id = ? AND damping_key = ?
            """, arguments: [tenant, integrationId, key]).map { FlapDamper.Window(openedAt: Date(timeIntervalSince1970: $0[0]), damped: $0[1]) }
    }

    static func save(_ db: Database, tenant: String, integrationId: String, key: String, window: FlapDamper.Window) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO integration_flaps (tenant, integration_id, damping_key, opened_at, damped) VALUES (?, ?, ?, ?, ?)
            """, arguments: [tenant, integrationId, key, window.openedAt.timeIntervalSince1970, window.damped])
    }

    // MARK: preferences

    /// An admin's run-time overrides (over the configuration file's), if any were set.
    public static func overrides(_ db: Database, tenant: String, user: String) throws -> IntegrationPreferenceOverrides? {
        guard let data = try Data.fetchOne(db, sql: "SELECT overrides FROM integration_preferences WHERE tenant = ? AND user = ?",
                                           arguments: [tenant, user]) else { return nil }
        return try JSONCoding.decode(IntegrationPreferenceOverrides.self, from: data)
    }

    static func setOverrides(_ db: Database, tenant: String, user: String, _ overrides: IntegrationPreferenceOverrides?, at now: Date) throws {
        guard let overrides else {
            try db.execute(sql: "DELETE FROM integration_preferences WHERE tenant = ? AND user = ?", arguments: [tenant, user])
            return
        }
        try db.execute(sql: "INSERT OR REPLACE INTO integration_preferences (tenant, user, overrides, updated_at) VALUES (?, ?, ?, ?)",
                       arguments: [tenant, user, try JSONCoding.encode(overrides), now.timeIntervalSince1970])
    }

    // MARK: dispatches

    public struct SentDispatch: Sendable, Equatable {
        public var dispatchId: String
        public var firstId: String
        public var channel: String
        public var user: String
        public var attempt: Int
        public var status: String
        public var envelope: Data
    }

    static func recordDispatch(_ db: Database, dispatchId: String, firstId: String, tenant: String, channel: String, user: String,
                               attempt: Int, envelope: Data, at now: Date) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO integration_dispatches (dispatch_id, first_id, tenant, channel, user, attempt, status, envelope, at)
            VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
            """, arguments: [dispatchId, firstId, tenant, channel, user, attempt, envelope, now.timeIntervalSince1970])
    }

    public static func dispatch(_ db: Database, id: String, tenant: String) throws -> SentDispatch? {
        try Row.fetchOne(db, sql: """
            SELECT dispatch_id, first_id, channel, user, attempt, status, envelope FROM integration_dispatches
            WHERE dispatch_id = ? AND tenant = ?
            """, arguments: [id, tenant]).map {
            SentDispatch(dispatchId: $0[0], firstId: $0[1], channel: $0[2], user: $0[3], attempt: $0[4], status: $0[5], envelope: $0[6])
        }
    }

    public static func dispatches(_ db: Database, tenant: String) throws -> [SentDispatch] {
        try Row.fetchAll(db, sql: """
            SELECT dispatch_id, first_id, channel, user, attempt, status, envelope FROM integration_dispatches
            WHERE tenant = ? ORDER BY rowid
            """, arguments: [tenant]).map {
            SentDispatch(dispatchId: $0[0], firstId: $0[1], channel: $0[2], user: $0[3], attempt: $0[4], status: $0[5], envelope: $0[6])
        }
    }

    static func setStatus(_ db: Database, id: String, status: String) throws {
        try db.execute(sql: "UPDATE integration_dispatches SET status = ? WHERE dispatch_id = ?", arguments: [status, id])
    }

    /// Forgets dispatches older than `before`, at most `limit` of them; returns how many.
    public static func prune(_ db: Database, before: Date, limit: Int) throws -> Int {
        try db.execute(sql: """
            DELETE FROM integration_dispatches WHERE rowid IN
                (SELECT rowid FROM integration_dispatches WHERE at < ? ORDER BY at LIMIT ?)
            """, arguments: [before.timeIntervalSince1970, limit])
        return db.changesCount
    }
}
