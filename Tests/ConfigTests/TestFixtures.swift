// Shared fixtures of the Config tests: the example file, a small valid tenant, temp directories, a log recorder.
import Config
import Foundation
import Logging
import Testing

enum Fixtures {
    static var examplePath: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/alerting.example.yaml").path
    }

    static func loadExample() throws -> AlertingConfig {
        try ConfigLoader.load(path: examplePath)
    }

    /// A small tenant using every kind of reference once; validation tests break one thing at a time.
    static let base = """
    limits:
      max_payload_bytes: 1024
    tenants:
      - id: t1
        users:
          - id: ann
            roles: [admin, lead]
            email: ann@example.test
            phone: "+15550000001"
          - id: ben
            roles: [dev]
            email: ben@example.test
          - id: cat
            roles: [dev]
            email: cat@example.test
        teams:
          - id: ops
            members: [ann, ben]
            lead: ann
        schedules:
          - id: primary
            layers:
              - start: "2026-01-05T09:00:00Z"
                rotation: 7d
                users: [ann, cat]
        services:
          - id: api
            owners: [ann]
            escalation_policy: default
            webhooks:
              - id: hook
                url: https://example.test/hook
        escalation_policies:
          - id: default
            steps:
              - after: 0m
                targets: [{schedule: primary}]
              - after: 10m
                targets: [{team: ops, only_lead: true}]
        routes:
          - id: all
            target_roles: [admin]
            escalate_to_role: lead
        top_roles: [admin]
        deadline_escalation:
          thresholds: [50, 75, 90]
          levels:
            1: {roles: [lead]}
        incident_targeting:
          priority_users: [ben]
        integration_notifications:
          preferences:
            ann: {status_updates: true}

    """

    /// The base file with each `(old, new)` replaced once; a replacement that finds nothing
    /// fails the test, so a test cannot silently check the unchanged file.
    static func base(replacing replacements: [(String, String)]) -> String {
        var text = base
        for (old, new) in replacements {
            guard let range = text.range(of: old) else {
                Issue.record("fixture text not found: \(old)")
                continue
            }
            text.replaceSubrange(range, with: new)
        }
        return text
    }

    /// The problems of a configuration text; empty when it loads.
    static func errors(_ yaml: String) -> [ConfigError] {
        do {
            _ = try ConfigLoader.parse(yaml: yaml)
            return []
        } catch {
            return error.errors
        }
    }
}

/// A fresh directory per test, removed when the test ends.
final class TempDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ text: String, to name: String = "alerting.yaml") throws -> String {
        let file = url.appendingPathComponent(name)
        try text.write(to: file, atomically: false, encoding: .utf8)
        return file.path
    }
}

/// Keeps what a logger emitted, so tests can check what operators would read.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(level: Logger.Level, message: String)] = []

    var logger: Logger {
        Logger(label: "config-tests") { _ in RecordingHandler(recorder: self) }
    }

    func append(_ level: Logger.Level, _ message: String) { lock.withLock { entries.append((level, message)) } }

    func messages(at level: Logger.Level) -> [String] { lock.withLock { entries.filter { $0.level == level }.map(\.message) } }

    private struct RecordingHandler: LogHandler {
        let recorder: LogRecorder
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) { recorder.append(event.level, event.message.description) }
    }
}

