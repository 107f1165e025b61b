// What one SMTP exchange said, as far as classifying its outcome needs: the last command's verb and the server's last
// reply. Commands' arguments are never kept: AUTH carries the credentials.
import Foundation

final class SMTPTranscript {
    /// The verb of the last command sent (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA), or "CONNECT" before any.
    private(set) var verb = "CONNECT"
    private var replyLines: [String] = []
    private var replyComplete = true
    /// True once the server accepted DATA (354): a reply after that one is about the message itself.
    private var messageSent = false
    private var quitting = false

    func command(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes.prefix(16), as: UTF8.self)
        let word = line.split(whereSeparator: { $0.isWhitespace || $0 == ":" }).first.map { String($0).uppercased() }
        // Only a known verb: anything else is an AUTH continuation (credentials).
        guard let word, ["EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP"].contains(word) else { return }
        // Curl says goodbye after a refusal: the reply that matters is the one before.
        if word == "QUIT" {
            quitting = true
            return
        }
        quitting = false
        verb = word
        if word == "MAIL" { messageSent = false }
    }

    func reply(_ bytes: UnsafeRawBufferPointer) {
        guard !quitting else { return }
        let text = String(decoding: bytes.prefix(512), as: UTF8.self)
        // 221 answers the QUIT curl sends after a refusal: the reply that matters is the one before.
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty && !line.hasPrefix("221") {
            if replyComplete { replyLines = [] }
            if replyLines.count < 8 { replyLines.append(String(line.prefix(300))) }
            // "250-…" continues a reply; "250 …" (or a bare code) ends it.
            let characters = Array(line)
            replyComplete = !(characters.count > 3 && characters[3] == "-")
            if replyComplete, line.hasPrefix("354") { messageSent = true }
        }
    }

    var lastReply: String { replyLines.joined(separator: " ") }

    var lastCode: Int? { replyLines.last.flatMap { Int($0.prefix(3)) } }

    var stage: SMTPResult.Stage {
        switch verb {
        case "CONNECT", "EHLO", "HELO": .greeting
        case "STARTTLS": .starttls
        case "AUTH": .auth
        case "MAIL": .mailFrom
        case "RCPT": .recipient
        case "DATA": messageSent ? .message : .data
        default: .other
        }
    }
}
