// Why a health event or preference change was refused.
import Contracts

public struct HealthRejection: Error, Sendable, Equatable {
    public var reason: RejectionReason
    public var message: String
    public var field: String?

    public init(_ reason: RejectionReason, _ message: String, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
