// A tenant's effective Twilio account and senders: the global `channels.twilio` with the tenant's keys over it, and
// its secrets read from the environment.
import Config
import Foundation

public struct TwilioAccount: Sendable, Equatable {
    public var apiURL: String
    public var accountSid: String
    public var authToken: String
    public var smsFrom: PhoneNumber?
    public var whatsappFrom: PhoneNumber?
    public var templateSid: String?
    public var fallbackToSMS: Bool

    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The account that sends for `tenant`, or why there is none (never a secret's value).
    public static func resolve(tenant: String, config: AlertingConfig, environment: [String: String]) -> Result<TwilioAccount, Unavailable> {
        guard let twilio = config.twilio(forTenant: tenant) else {
            return .failure(Unavailable(description: "twilio is not configured for tenant \(tenant) (channels.twilio)"))
        }
        guard let sid = secret(named: twilio.accountSidEnv, environment: environment) else {
            return .failure(Unavailable(description: "twilio unavailable: \(twilio.accountSidEnv ?? "account_sid_env") is not set"))
        }
        guard let token = secret(named: twilio.authTokenEnv, environment: environment) else {
            return .failure(Unavailable(description: "twilio unavailable: \(twilio.authTokenEnv ?? "auth_token_env") is not set"))
        }
        let apiURL = twilio.apiBaseURL
        return .success(TwilioAccount(apiURL: apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL,
                                      accountSid: sid, authToken: token,
                                      smsFrom: twilio.smsFrom.flatMap(PhoneNumber.init), whatsappFrom: twilio.whatsappFrom.flatMap(PhoneNumber.init),
                                      templateSid: twilio.whatsappTemplateSid, fallbackToSMS: twilio.fallsBackToSMS))
    }

    public var messagesURL: String { "\(apiURL)/2010-04-01/Accounts/\(accountSid)/Messages.json" }

    /// `Authorization: Basic` with the account SID and auth token.
    var authorization: String { "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString() }

    /// The sender of a channel's messages.
    func sender(whatsapp: Bool) -> PhoneNumber? { whatsapp ? whatsappFrom : smsFrom }
}
