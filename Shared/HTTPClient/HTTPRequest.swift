// One HTTP request as the client sends it.
import Foundation

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Sent in this order. Values may hold secrets: the client never logs them.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// Whole-transfer limit in seconds (connect, send, wait, receive).
    public var timeout: Double

    public init(method: String = "POST", url: String, headers: [(name: String, value: String)] = [],
                body: Data = Data(), timeout: Double = 10) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
