// Every problem found in one configuration file, so an operator fixes them in one go.

/// All problems found while loading one configuration file, in file order.
public struct ConfigErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public let errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    /// One problem a line, each starting with its key path.
    public var description: String { errors.map(\.description).joined(separator: "\n") }

    /// The problems at exactly this key path.
    public func at(_ path: String) -> [ConfigError] { errors.filter { $0.path == path } }
}
