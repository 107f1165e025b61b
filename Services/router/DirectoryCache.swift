// The per-tenant directories of the current configuration, rebuilt once per (re)load rather than per alert.
import Config
import Directory
import Foundation
import Synchronization

public final class DirectoryCache: Sendable {
    private struct Built {
        var generation: Int
        var directories: [String: TenantDirectory]
    }

    private let config: ConfigStore
    private let environment: [String: String]
    private let built = Mutex<Built?>(nil)

    public init(config: ConfigStore, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.config = config
        self.environment = environment
    }

    /// The directory of an enabled, configured tenant. A reload applies to the next alert; work in hand keeps its own.
    public func directory(tenant id: String) -> TenantDirectory? {
        let generation = config.reloadCount
        return built.withLock { built in
            if built?.generation != generation {
                let current = config.current
                var directories: [String: TenantDirectory] = [:]
                for tenant in current.tenants where tenant.enabled {
                    directories[tenant.id] = TenantDirectory(tenant: tenant, config: current, environment: environment)
                }
                built = Built(generation: generation, directories: directories)
            }
            return built?.directories[id]
        }
    }
}
