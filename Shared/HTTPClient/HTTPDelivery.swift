// What came of sending one request with retries.

public struct HTTPDelivery: Sendable {
    /// The last response, if the last attempt got one (it may be a non-2xx status).
    public let response: HTTPResponse?
    /// The last attempt's error, if it got no response.
    public let error: HTTPClientError?
    public let attempts: Int

    public init(response: HTTPResponse?, error: HTTPClientError?, attempts: Int) {
        self.response = response
        self.error = error
        self.attempts = attempts
    }

    /// The last attempt got a 2xx answer.
    public var succeeded: Bool { response?.isSuccess ?? false }
}
