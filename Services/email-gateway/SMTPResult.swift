// How one SMTP exchange ended: accepted, or where it stopped and what the server said.

public struct SMTPResult: Sendable, Equatable {
    /// The command a reply answered.
    public enum Stage: String, Sendable {
        case greeting, starttls, auth
        case mailFrom = "MAIL FROM"
        case recipient = "RCPT TO"
        case data = "DATA"
        /// The end of the message's data.
        case message
        case other
    }

    public enum Failure: String, Sendable {
        /// The server answered with an error reply, or the connection broke or was refused.
        case connection
        case timeout
        /// No TLS: STARTTLS not offered or refused while required, a failed handshake or an untrusted certificate.
        case tls
        /// The server refused the credentials.
        case login
        case configuration
        case other
    }

    /// Nil: accepted.
    public var failure: Failure?
    public var message: String
    /// The server's last reply code (250 when accepted), if it answered.
    public var replyCode: Int?
    /// The server's last reply, at most a few lines.
    public var reply: String
    public var stage: Stage

    public init(replyCode: Int, reply: String, stage: Stage) {
        failure = nil
        message = "accepted"
        self.replyCode = replyCode
        self.reply = reply
        self.stage = stage
    }

    public init(failure: Failure, message: String, replyCode: Int? = nil, reply: String = "", stage: Stage = .other) {
        self.failure = failure
        self.message = message
        self.replyCode = replyCode
        self.reply = reply
        self.stage = stage
    }

    public var accepted: Bool { failure == nil }
}
