// The live configuration: the current value behind a lock, replaced only by a valid file.
import Foundation
import Logging
import Synchronization

/// Holds the configuration every part of a service reads. `reload()` (and a watcher calling `reload()` on SIGHUP and
/// `reloadIfFileChanged()` on a poll) replaces it only with a file that loads without errors; an invalid file leaves
/// the last good configuration in place and says why in the log.
public final class ConfigStore: Sendable {
    public let path: String
    let logger: Logger

    private struct State {
        var config: AlertingConfig
        var handlers: [@Sendable (AlertingConfig) -> Void] = []
        var applied = 0
        var failed = 0
        var warnedSecrets: Set<SecretReference> = []
        var stamp: FileStamp?
        /// A change seen by the last poll, applied once the next poll sees the file unchanged (the save is complete).
        var settlingStamp: FileStamp?
    }
    private let state: Mutex<State>
    /// Held for a whole reload: reloads apply in file order.
    private let reloading = Mutex(())

    /// Loads the file; throws `ConfigErrors` (after logging them) when it is invalid.
    public init(path: String, logger: Logger) throws {
        self.path = path
        self.logger = logger
        // Taken before reading so a write during the read is noticed by the next poll.
        let stamp = FileStamp(path: path)
        let config: AlertingConfig
        do {
            config = try ConfigLoader.load(path: path)
        } catch {
            Self.log(error, logger: logger, path: path, headline: "configuration is invalid")
            throw error
        }
        state = Mutex(State(config: config, stamp: stamp))
        logger.info("configuration loaded", metadata: ["config": .string(path), "tenants": .stringConvertible(config.tenants.count)])
        warnAboutMissingSecrets(in: config)
    }

    public var current: AlertingConfig { state.withLock { $0.config } }

    /// Number of reloads that applied a new configuration.
    public var reloadCount: Int { state.withLock { $0.applied } }

    /// Number of reloads that found the file invalid and kept the previous configuration.
    public var failedReloadCount: Int { state.withLock { $0.failed } }

    /// Called after each new configuration is applied, on the thread that reloaded.
    public func onChange(_ handler: @escaping @Sendable (AlertingConfig) -> Void) {
        state.withLock { $0.handlers.append(handler) }
    }

    /// Reads the file again. True when a new configuration was applied; false when the
    /// file is invalid (previous configuration kept, errors logged) or unchanged.
    @discardableResult
    public func reload() -> Bool {
        reloading.withLock { _ in reloadInOrder() }
    }

    /// One poll of the file: reloads when its modification time, size or file number changed and two polls in a row
    /// agree on the new ones. An invalid file is reported once per change, not once per poll; and a file still being
    /// written (an editor saving in place truncates first) is read only once it has settled.
    public func reloadIfFileChanged() {
        let now = FileStamp(path: path)
        let settled = state.withLock { state -> Bool in
            guard now != state.stamp else {
                state.settlingStamp = nil
                return false
            }
            defer { state.settlingStamp = now }
            return now == state.settlingStamp
        }
        if settled { reload() }
    }

    private func reloadInOrder() -> Bool {
        let newStamp = FileStamp(path: path)
        state.withLock { $0.stamp = newStamp }
        let loaded: AlertingConfig
        do {
            loaded = try ConfigLoader.load(path: path)
        } catch {
            state.withLock { $0.failed += 1 }
            Self.log(error, logger: logger, path: path,
                     headline: "configuration reload failed; keeping the previous configuration")
            return false
        }
        let toNotify: [@Sendable (AlertingConfig) -> Void]? = state.withLock { state in
            guard loaded != state.config else { return nil }
            state.config = loaded
            state.applied += 1
            return state.handlers
        }
        guard let toNotify else {
            logger.debug("configuration file read again; nothing changed", metadata: ["config": .string(path)])
            return false
        }
        logger.info("configuration reloaded", metadata: ["config": .string(path), "tenants": .stringConvertible(loaded.tenants.count)])
        warnAboutMissingSecrets(in: loaded)
        for handler in toNotify { handler(loaded) }
        return true
    }

    /// One warning per secret variable that is not set, the first time it is seen missing.
    private func warnAboutMissingSecrets(in config: AlertingConfig) {
        let missing = config.missingSecrets()
        let fresh = state.withLock { state in missing.filter { state.warnedSecrets.insert($0).inserted } }
        for reference in fresh {
            // Only the variable's name is logged, never a value.
            logger.warning("\(reference.description)",
                           metadata: ["key": .string(reference.path), "variable": .string(reference.variable)])
        }
    }

    private static func log(_ errors: ConfigErrors, logger: Logger, path: String, headline: String) {
        logger.error("\(headline)", metadata: ["config": .string(path), "errors": .stringConvertible(errors.errors.count)])
        for error in errors.errors {
            logger.error("\(error.description)", metadata: ["config": .string(path)])
        }
    }
}
