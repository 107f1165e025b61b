// The live configuration: reload on demand, on file change and on SIGHUP, keeping the last good one.
import Config
import Foundation
import Testing

/// Collects what onChange handlers received.
final class ChangeRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [AlertingConfig] = []
    func append(_ config: AlertingConfig) { lock.withLock { seen.append(config) } }
    var all: [AlertingConfig] { lock.withLock { seen } }
}

private func renamed(_ name: String) -> String {
    Fixtures.base(replacing: [("  - id: t1\n", "  - id: t1\n    name: \(name)\n")])
}

@Suite struct ConfigStoreTests {
    @Test func reloadAppliesANewFileAndTellsListeners() throws {
        let directory = try TempDirectory()
        let path = try directory.write(Fixtures.base)
        let store = try ConfigStore(path: path, logger: LogRecorder().logger)
        let changes = ChangeRecorder()
        store.onChange { changes.append($0) }
        #expect(store.current.tenants[0].name == "t1")

        _ = try directory.write(renamed("Renamed tenant"))
        #expect(store.reload())
        #expect(store.current.tenants[0].name == "Renamed tenant")
        #expect(changes.all.map { $0.tenants[0].name } == ["Renamed tenant"])
        #expect(store.reloadCount == 1)
        #expect(store.failedReloadCount == 0)

        // Reading the same file again applies nothing.
        #expect(store.reload() == false)
        #expect(store.reloadCount == 1)
        #expect(changes.all.count == 1)
    }

    @Test func invalidFileKeepsThePreviousConfiguration() throws {
        let directory = try TempDirectory()
        let path = try directory.write(Fixtures.base)
        let log = LogRecorder()
        let store = try ConfigStore(path: path, logger: log.logger)
        let changes = ChangeRecorder()
        store.onChange { changes.append($0) }
        let before = store.current

        _ = try directory.write(Fixtures.base(replacing: [("escalation_policy: default", "escalation_policy: x"), ("lead: ann", "lead: zed")]))
        #expect(store.reload() == false)
        #expect(store.current == before)
        #expect(store.failedReloadCount == 1)
        #expect(store.reloadCount == 0)
        #expect(changes.all.isEmpty)
        let errors = log.messages(at: .error)
        #expect(errors.contains { $0.contains("keeping the previous configuration") })
        #expect(errors.contains("tenants[0].services[0].escalation_policy: unknown policy \"x\""))
        #expect(errors.contains("tenants[0].teams[0].lead: unknown user \"zed\""))

        // A fixed file is taken again.
        _ = try directory.write(renamed("Fixed"))
        #expect(store.reload())
        #expect(store.current.tenants[0].name == "Fixed")
    }

    @Test func initialLoadMustSucceed() throws {
        let directory = try TempDirectory()
        let path = try directory.write("tenants: nope\n")
        let log = LogRecorder()
        #expect(throws: ConfigErrors.self) { try ConfigStore(path: path, logger: log.logger) }
        #expect(log.messages(at: .error).contains { $0.hasPrefix("tenants: expected a list") })
    }

    @Test func missingSecretsAreWarnedOnceByNameOnly() throws {
        let variable = "CONFIG_TESTS_UNSET_\(UUID().uuidString.prefix(8))"
        let yaml = Fixtures.base.replacingOccurrences(of: "limits:", with: "channels:\n  slack: {bot_token_env: \(variable)}\nlimits:")
        let directory = try TempDirectory()
        let path = try directory.write(yaml)
        let log = LogRecorder()
        let store = try ConfigStore(path: path, logger: log.logger)
        let warnings = log.messages(at: .warning)
        #expect(warnings.filter { $0.contains(variable) }
            == ["provider slack unavailable: environment variable \(variable) (channels.slack.bot_token_env) is not set"])

        _ = try directory.write(yaml.replacingOccurrences(of: "  - id: t1\n", with: "  - id: t1\n    name: Again\n"))
        #expect(store.reload())
        #expect(log.messages(at: .warning).filter { $0.contains(variable) }.count == 1)
    }
}

/// Tests that watch run one at a time: a SIGHUP reaches every watching store of the process.
@Suite(.serialized) struct ConfigWatchingTests {
    @Test func fileChangeIsNoticed() async throws {
        let directory = try TempDirectory()
        let path = try directory.write(Fixtures.base)
        let store = try ConfigStore(path: path, logger: LogRecorder().logger)
        let changes = ChangeRecorder()
        store.onChange { changes.append($0) }
        store.startWatching(pollInterval: 0.05)
        defer { store.stopWatching() }

        _ = try directory.write(renamed("Polled"))
        #expect(await eventually { changes.all.count == 1 })
        #expect(store.current.tenants[0].name == "Polled")

        // An invalid change is reported once, not on every poll.
        _ = try directory.write("tenants: [")
        #expect(await eventually { store.failedReloadCount == 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(store.failedReloadCount == 1)
        #expect(store.current.tenants[0].name == "Polled")
    }

    @Test func replacingTheFileIsNoticed() async throws {
        let directory = try TempDirectory()
        let path = try directory.write(Fixtures.base)
        let store = try ConfigStore(path: path, logger: LogRecorder().logger)
        store.startWatching(pollInterval: 0.05)
        defer { store.stopWatching() }

        // Editors save by writing a new file and renaming it over the old one.
        try renamed("Swapped").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(await eventually { store.current.tenants[0].name == "Swapped" })
        #expect(store.reloadCount == 1)
    }

    @Test func sighupReloads() async throws {
        let directory = try TempDirectory()
        let path = try directory.write(Fixtures.base)
        let store = try ConfigStore(path: path, logger: LogRecorder().logger)
        // Polling effectively off: only the signal can cause the reload.
        store.startWatching(pollInterval: 3600)
        defer { store.stopWatching() }

        _ = try directory.write(renamed("After SIGHUP"))
        // The handler is installed once startWatching returns; the signal may still race its
        // registration, so it is sent again until it lands.
        let reloaded = await eventually {
            if store.reloadCount == 0 { kill(getpid(), SIGHUP) }
            return store.reloadCount == 1
        }
        #expect(reloaded)
        #expect(store.current.tenants[0].name == "After SIGHUP")
    }

    @Test func stoppedStoreNoLongerWatches() async throws {
        let directory = try TempDirectory()
        let path = try directory.write(Fixtures.base)
        let store = try ConfigStore(path: path, logger: LogRecorder().logger)
        store.startWatching(pollInterval: 0.05)
        store.stopWatching()
        _ = try directory.write(renamed("Unseen"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(store.reloadCount == 0)
        #expect(store.current.tenants[0].name == "t1")
    }
}
