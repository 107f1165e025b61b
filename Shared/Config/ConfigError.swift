// One problem in the configuration file, named by the YAML key path where it sits.

/// A problem found while loading the configuration, with the path of the
/// offending key written as YAML names it: `tenants[0].services[1].escalation_policy`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is, so callers and tests need not parse messages.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be read.
        public static let unreadable = Code("unreadable")
        /// The file is not valid YAML.
        public static let syntax = Code("syntax")
        /// A value has the wrong shape or type (a string where a list belongs, a bad duration, a bad word).
        public static let invalidValue = Code("invalid_value")
        /// A required key is missing.
        public static let missingKey = Code("missing_key")
        /// A key the loader does not know (usually a typo).
        public static let unknownKey = Code("unknown_key")
        /// Two entries share an id.
        public static let duplicateID = Code("duplicate_id")
        /// A name refers to a user, team, schedule, policy or role that does not exist.
        public static let unknownReference = Code("unknown_reference")
    }

    /// The YAML key path, empty for the file as a whole.
    public let path: String
    public let code: Code
    public let message: String

    public init(path: String, code: Code, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
