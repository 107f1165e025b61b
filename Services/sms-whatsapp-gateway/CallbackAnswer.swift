// What a Twilio callback gets back: a status, a content type and a body (a reason, or TwiML).
import Foundation

public struct CallbackAnswer: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String

    public static func rejected(_ status: Int, _ reason: String) -> CallbackAnswer {
        CallbackAnswer(status: status, contentType: "text/plain; charset=utf-8", body: reason + "\n")
    }

    public static let accepted = CallbackAnswer(status: 200, contentType: "text/plain; charset=utf-8", body: "")

    /// A TwiML `<Message>` reply to the sender.
    public static func reply(_ text: String) -> CallbackAnswer {
        CallbackAnswer(status: 200, contentType: "text/xml; charset=utf-8",
                       body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>\(xmlEscaped(text))</Message></Response>")
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
