// Reads a secret from the environment by the name the configuration gives it.
import Foundation

/// The value of the environment variable `env`, or nil when no name is given or the
/// variable is unset or empty. Callers must never log the returned value.
public func secret(named env: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    guard let env, !env.isEmpty, let value = environment[env], !value.isEmpty else { return nil }
    return value
}
