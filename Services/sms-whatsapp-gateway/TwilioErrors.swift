// Twilio's JSON answers (`sid` on success; `code`, `message` on error) and which error codes mean WhatsApp cannot reach
// a recipient.
import Foundation

enum TwilioErrors {
    struct Answer {
        var sid: String?
        var code: Int?
        var message: String?

        init(_ body: Data) {
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            sid = object["sid"] as? String
            code = (object["code"] as? Int) ?? (object["code"] as? String).flatMap { Int($0) }
            message = object["message"] as? String
        }
    }

    /// 63xxx are WhatsApp channel errors: not a WhatsApp user (63003), outside the window or template required (63016),
    /// template rejected or paused (63024…63032), Meta declined to deliver (63049)…; SMS may still get through.
    static func whatsAppUnreachable(_ code: Int) -> Bool { (63_000...63_999).contains(code) }
}
