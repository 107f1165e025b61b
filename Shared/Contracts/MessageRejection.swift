// Why a message that came in cannot be taken: the reason published on `alerting/rejected/{tenant}`, with the JSON path
// of the offending field.
public struct MessageRejection: Error, Sendable, Equatable {
    public var reason: RejectionReason
    public var message: String
    public var field: String?

    public init(_ reason: RejectionReason, _ message: String, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
