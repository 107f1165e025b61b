// Twilio's request signature (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed with the account's auth token, of the full
// URL followed by every POST parameter's name and value, sorted by name.
import Crypto
import Foundation

public struct TwilioSignature: Sendable {
    let authToken: String

    public init(authToken: String) { self.authToken = authToken }

    public func sign(url: String, parameters: [(String, String)]) -> String {
        // Sorted by name, then value: a repeated name (rare in callbacks) signs in a fixed order.
        var data = url
        for (name, value) in parameters.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) { data += name + value }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(data.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Constant-time over the signature's bytes.
    public func verify(url: String, parameters: [(String, String)], signature: String) -> Bool {
        let expected = Array(sign(url: url, parameters: parameters).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
