// The form of one Messages API request: who to, from which sender, what (text or template), and where Twilio reports
// its status.
import Contracts
import Foundation
import GatewayKit

struct TwilioMessage {
    let job: GatewayJob
    let to: PhoneNumber
    let account: TwilioAccount
    let publicBaseURL: String?

    /// `{public_base_url}/twilio/status?tenant=…&dispatch=…&channel=…`: the query tells the callback which delivery it
    /// is about and whose token signed it; Twilio signs the URL with it. Nil without a public base URL.
    func statusCallback(channel: String) -> String? {
        guard let base = publicBaseURL, !base.isEmpty else { return nil }
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return "\(trimmed)/twilio/status?" + String(decoding: FormBody.encode([("tenant", job.tenant), ("dispatch", job.dispatchId),
                                                                                ("channel", channel)]), as: UTF8.self)
    }

    private func common(whatsapp: Bool, from: PhoneNumber) -> [(String, String)] {
        var form = [("To", to.address(whatsapp: whatsapp)), ("From", from.address(whatsapp: whatsapp))]
        if let callback = statusCallback(channel: whatsapp ? TwilioProvider.whatsappChannel : TwilioProvider.smsChannel) {
            form.append(("StatusCallback", callback))
        }
        return form
    }

    func sms() -> [(String, String)] {
        common(whatsapp: false, from: account.smsFrom!) + [("Body", TwilioText.sms(job.dispatch))]
    }

    func whatsappText() -> [(String, String)] {
        common(whatsapp: true, from: account.whatsappFrom!) + [("Body", TwilioText.whatsapp(job.dispatch))]
    }

    func whatsappTemplate(_ contentSid: String) -> [(String, String)] {
        common(whatsapp: true, from: account.whatsappFrom!)
            + [("ContentSid", contentSid), ("ContentVariables", TwilioText.templateVariables(job.dispatch))]
    }
}
