// The error a Store throws when it cannot be opened, migrated or used as asked.

public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The file or its directory could not be opened or created.
        case open
        /// A migration failed, was registered twice, or the file was migrated by a newer binary.
        case migration
        /// An argument outside what the schema accepts (for example a QoS above 2).
        case invalidArgument
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "StoreError.\(code.rawValue): \(message)" }
}
