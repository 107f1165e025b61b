// The live configuration: reload on demand, keeping the last good one (the watcher that reloads on SIGHUP and on a
// file change: ServiceKitTests' ConfigWatcherTests).
import Config
import Foundation
import Synchronization
import Testing

/// Collects what onChange handlers received.
final class ChangeRecorder: Sendable {
    private let seen = Mutex<[AlertingConfig]>([])
    func append(_ config: AlertingConfig) { seen.withLock { $0.append(config) } }
    var all: [AlertingConfig] { seen.withLock { $0 } }
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
