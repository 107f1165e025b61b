// A local stand-in for Twilio: the Messages API (form bodies recorded, Twilio-shaped JSON and error codes answered) and
// Twilio's calls back to a gateway (signed status callbacks and inbound messages), as Twilio makes them.
import Foundation
import HTTPClient

public final class FakeTwilio: @unchecked Sendable {
    /// One message the API accepted or refused.
    public struct Message: Sendable {
        public let sid: String?
        public let accountSid: String
        public let authorization: String?
        public let form: [String: String]
        public var to: String { form["To"] ?? "" }
        public var from: String { form["From"] ?? "" }
    }

    /// What the API answers to one create request.
    public enum Answer: Sendable {
        case accept
        /// Twilio's error JSON: `{"code": …, "message": …, "status": …}`.
        case error(status: Int, code: Int, message: String)
        case throttle(retryAfter: Int)
    }

    public let server: TestHTTPServer
    private let lock = NSLock()
    private var recorded: [Message] = []
    private var script: @Sendable ([String: String]) -> Answer = { _ in .accept }
    /// Signs what Twilio sends back: (auth token, URL, form pairs) → `X-Twilio-Signature`.
    private let sign: @Sendable (String, String, [(String, String)]) -> String

    public var url: String { server.url }

    public var messages: [Message] { lock.withLock { recorded } }

    /// Accepted messages only.
    public var sent: [Message] { messages.filter { $0.sid != nil } }

    /// Decides the answer to each create request from its form (by `To`, say).
    public func answer(_ script: @escaping @Sendable ([String: String]) -> Answer) { lock.withLock { self.script = script } }

    private init(server: TestHTTPServer, sign: @escaping @Sendable (String, String, [(String, String)]) -> String) {
        self.server = server
        self.sign = sign
    }

    public static func start(sign: @escaping @Sendable (String, String, [(String, String)]) -> String) async throws -> FakeTwilio {
        let server = try await TestHTTPServer.start()
        let fake = FakeTwilio(server: server, sign: sign)
        server.responder = { [weak fake] request in
            guard let fake else { return ScriptedHTTPResponse(status: 503) }
            return fake.create(request)
        }
        return fake
    }

    public func stop() { server.stop() }

    private func create(_ request: RecordedHTTPRequest) -> ScriptedHTTPResponse {
        // /2010-04-01/Accounts/{AccountSid}/Messages.json
        let parts = request.path.split(separator: "/")
        guard request.method == "POST", parts.count == 4, parts[0] == "2010-04-01", parts[1] == "Accounts", parts[3] == "Messages.json" else {
            return Self.json(404, ["code": 20404, "message": "The requested resource was not found", "status": 404])
        }
        let form = Self.decode(request.body)
        let answer = lock.withLock { script }(form)
        let sid: String? = if case .accept = answer { "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() } else { nil }
        lock.withLock {
            recorded.append(Message(sid: sid, accountSid: String(parts[2]), authorization: request.header("Authorization"), form: form))
        }
        switch answer {
        case .accept:
            return Self.json(201, ["sid": sid!, "status": "queued", "to": form["To"] ?? "", "from": form["From"] ?? "",
                                   "account_sid": String(parts[2]), "body": form["Body"] ?? ""])
        case .error(let status, let code, let message):
            return Self.json(status, ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status])
        case .throttle(let retryAfter):
            var response = Self.json(429, ["code": 20429, "message": "Too Many Requests", "status": 429])
            response.headers.append(("Retry-After", String(retryAfter)))
            return response
        }
    }

    /// Waits until `count` messages were accepted.
    @discardableResult
    public func waitForSent(_ count: Int, timeout: Double = 20) async throws -> [Message] {
        let deadline = Date().addingTimeInterval(timeout)
        while sent.count < count {
            guard Date() < deadline else { throw TestHTTPServerError(code: .timeout, message: "\(sent.count) of \(count) messages sent within \(timeout) s") }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        return sent
    }

    /// Twilio calling a message's StatusCallback: the URL as given (the public one) is signed; the request goes to
    /// `gateway` (`http://127.0.0.1:port`), as a proxy in front of the gateway would forward it.
    public func statusCallback(_ message: Message, status: String, errorCode: Int? = nil, gateway: String, authToken: String,
                               publicBaseURL: String) async -> (status: Int, body: String) {
        guard let callback = message.form["StatusCallback"], let sid = message.sid else { return (0, "no StatusCallback") }
        var pairs = [("MessageSid", sid), ("SmsSid", sid), ("MessageStatus", status), ("SmsStatus", status), ("AccountSid", message.accountSid),
                     ("From", message.from), ("To", message.to), ("ApiVersion", "2010-04-01")]
        if let errorCode { pairs.append(("ErrorCode", String(errorCode))) }
        let target = String(callback.dropFirst(publicBaseURL.count))
        return await post(gateway + target, signedURL: callback, pairs: pairs, authToken: authToken)
    }

    /// Twilio delivering a message someone sent to one of our numbers (`whatsapp:` addresses for WhatsApp).
    public func inbound(from: String, to: String, body: String, accountSid: String, gateway: String, authToken: String,
                        publicBaseURL: String, messageSid: String = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())
        async -> (status: Int, body: String) {
        let pairs = [("MessageSid", messageSid), ("SmsMessageSid", messageSid), ("AccountSid", accountSid), ("From", from), ("To", to),
                     ("Body", body), ("NumMedia", "0"), ("ApiVersion", "2010-04-01")]
        return await post(gateway + "/twilio/inbound", signedURL: publicBaseURL + "/twilio/inbound", pairs: pairs, authToken: authToken)
    }

    /// A POST with any form and signature header (nil: none), for forged and malformed requests.
    public func post(_ url: String, body: Data, signature: String?) async -> (status: Int, body: String) {
        var headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded")]
        if let signature { headers.append((name: "X-Twilio-Signature", value: signature)) }
        let request = HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: 10)
        // libcurl blocks: on a thread of its own, not the cooperative pool the gateway's handlers also use.
        return await withCheckedContinuation { continuation in
            Thread {
                switch HTTPClient().perform(request) {
                case .success(let response): continuation.resume(returning: (response.status, String(decoding: response.body, as: UTF8.self)))
                case .failure(let error): continuation.resume(returning: (0, error.description))
                }
            }.start()
        }
    }

    public func signature(authToken: String, url: String, pairs: [(String, String)]) -> String { sign(authToken, url, pairs) }

    private func post(_ url: String, signedURL: String, pairs: [(String, String)], authToken: String) async -> (status: Int, body: String) {
        await post(url, body: Self.encode(pairs), signature: sign(authToken, signedURL, pairs))
    }

    public static func encode(_ pairs: [(String, String)]) -> Data {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return Data(pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&").utf8)
    }

    static func decode(_ body: Data) -> [String: String] {
        var form: [String: String] = [:]
        for part in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pieces[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value = pieces.count > 1 ? (String(pieces[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            if form[name] == nil { form[name] = value }
        }
        return form
    }

    static func json(_ status: Int, _ object: [String: Any]) -> ScriptedHTTPResponse {
        ScriptedHTTPResponse(status: status, headers: [("Content-Type", "application/json")],
                             body: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }
}
