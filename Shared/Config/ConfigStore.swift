// The live configuration: the current value behind a lock, replaced only by a valid file.
import Foundation
import Logging

/// Holds the configuration every part of a service reads. `reload()` (and the watcher:
/// SIGHUP and a poll of the file) replaces it only with a file that loads without errors;
/// an invalid file leaves the last good configuration in place and says why in the log.
public final class ConfigStore: @unchecked Sendable {
    // Mutable state sits behind `lock`; `reloadLock` keeps reloads in file order.
    public let path: String
    let logger: Logger
    let lock = NSLock()
    private let reloadLock = NSLock()
    let queue = DispatchQueue(label: "alerting.config.watch")

    private var config: AlertingConfig
    private var handlers: [@Sendable (AlertingConfig) -> Void] = []
    private var applied = 0
    private var failed = 0
    private var warnedSecrets: Set<SecretReference> = []
    var stamp: FileStamp?
    /// A change seen by the last poll, applied once the next poll sees the file unchanged (the save is complete).
    var settlingStamp: FileStamp?
    var pollTimer: (any DispatchSourceTimer)?

    /// Loads the file; throws `ConfigErrors` (after logging them) when it is invalid.
    public init(path: String, logger: Logger) throws {
        self.path = path
        self.logger = logger
        // Taken before reading so a write during the read is noticed by the next poll.
        stamp = FileStamp(path: path)
        do {
            config = try ConfigLoader.load(path: path)
        } catch {
            Self.log(error, logger: logger, path: path, headline: "configuration is invalid")
            throw error
        }
        logger.info("configuration loaded", metadata: ["config": .string(path), "tenants": .stringConvertible(config.tenants.count)])
        warnAboutMissingSecrets(in: config)
    }

    deinit {
        HangupSignal.shared.remove(ObjectIdentifier(self))
        pollTimer?.cancel()
    }

    public var current: AlertingConfig { lock.withLock { config } }

    /// Number of reloads that applied a new configuration.
    public var reloadCount: Int { lock.withLock { applied } }

    /// Number of reloads that found the file invalid and kept the previous configuration.
    public var failedReloadCount: Int { lock.withLock { failed } }

    /// Called after each new configuration is applied, on the thread that reloaded.
    public func onChange(_ handler: @escaping @Sendable (AlertingConfig) -> Void) {
        lock.withLock { handlers.append(handler) }
    }

    /// Reads the file again. True when a new configuration was applied; false when the
    /// file is invalid (previous configuration kept, errors logged) or unchanged.
    @discardableResult
    public func reload() -> Bool {
        reloadLock.lock()
        defer { reloadLock.unlock() }
        let newStamp = FileStamp(path: path)
        lock.withLock { stamp = newStamp }
        let loaded: AlertingConfig
        do {
            loaded = try ConfigLoader.load(path: path)
        } catch {
            lock.withLock { failed += 1 }
            Self.log(error, logger: logger, path: path,
                     headline: "configuration reload failed; keeping the previous configuration")
            return false
        }
        let toNotify: [@Sendable (AlertingConfig) -> Void]? = lock.withLock {
            guard loaded != config else { return nil }
            config = loaded
            applied += 1
            return handlers
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
        let fresh = lock.withLock { missing.filter { warnedSecrets.insert($0).inserted } }
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
