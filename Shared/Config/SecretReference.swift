// A `*_env` key of the file: which variable it names and which provider needs it.

public struct SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// YAML key path of the `*_env` key.
    public let path: String
    /// The environment variable's name (never its value).
    public let variable: String
    /// What stops working without it: "slack", "tenant acme slack", "webhook press-line/ops-teams"…
    public let provider: String

    public init(path: String, variable: String, provider: String) {
        self.path = path
        self.variable = variable
        self.provider = provider
    }

    public var description: String {
        "provider \(provider) unavailable: environment variable \(variable) (\(path)) is not set"
    }
}
