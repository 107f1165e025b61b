// One mail as it goes over SMTP: headers, then a multipart/alternative body with the text and the HTML part.
import Contracts
import Foundation

public struct EmailMessage: Sendable {
    public let from: MailAddress
    public let to: MailAddress
    public let ids: MessageIDs
    public let content: EmailContent
    public let date: Date

    public init(dispatch: DispatchRequest, from: MailAddress, to: MailAddress, date: Date) {
        self.from = from
        self.to = to
        ids = MessageIDs(dispatch: dispatch, domain: from.domain)
        content = EmailContent(dispatch: dispatch)
        self.date = date
    }

    /// The message's headers in order (name, value), as they are written.
    public var headers: [(String, String)] {
        let alert = content.dispatch.alert
        var headers: [(String, String)] = [
            ("From", from.header),
            ("To", to.header),
            ("Subject", MailHeader.text(content.subject)),
            ("Date", Self.rfc5322(date)),
            ("Message-ID", ids.messageID),
        ]
        if let inReplyTo = ids.inReplyTo { headers.append(("In-Reply-To", inReplyTo)) }
        if !ids.references.isEmpty { headers.append(("References", ids.references.joined(separator: " "))) }
        headers += [
            ("MIME-Version", "1.0"),
            ("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""),
            // No out-of-office answers to an alert.
            ("Auto-Submitted", "auto-generated"),
            ("X-Alerting-Tenant", MessageIDs.token(alert.tenant)),
            ("X-Alerting-Alert", MessageIDs.token(alert.id)),
        ]
        return headers
    }

    var boundary: String { "=_alerting_" + MessageIDs.hash(ids.messageID, length: 24) }

    /// The bytes handed to the server after DATA, CRLF line ends (libcurl escapes leading dots).
    public var data: Data {
        var lines = headers.map { "\($0.0): \($0.1)" }
        lines.append("")
        for (type, body) in [("text/plain", content.text), ("text/html", content.html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines += Self.base64Lines(Data(body.utf8))
        }
        lines.append("--\(boundary)--")
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func base64Lines(_ data: Data) -> [String] {
        let encoded = data.base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
