// One HTTP response: status, headers by lower-cased name, body.
import Foundation

public struct HTTPResponse: Sendable {
    public let status: Int
    /// Lower-cased names; repeated headers are joined with ", " as RFC 9110 allows.
    public let headers: [String: String]
    /// At most `HTTPClient.maxResponseBytes`; the rest of a longer body is dropped.
    public let body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
