// Signed, single-purpose, expiring tokens behind the acknowledge/resolve buttons and links of a notification.
import Contracts
import Crypto
import Foundation

/// `base64url(claims JSON) "." base64url(HMAC-SHA256(claims))`. Single use is enforced by whoever redeems it.
public enum ActionToken {
    public struct Claims: Codable, Sendable, Equatable {
        public var tenant: String
        public var alertId: String
        public var user: String?
        public var action: AckCommand.Action
        public var expiresAt: Date
        /// Makes every token unique, so the redeemer can remember used ones.
        public var nonce: String

        public init(tenant: String, alertId: String, user: String?, action: AckCommand.Action, expiresAt: Date, nonce: String) {
            self.tenant = tenant
            self.alertId = alertId
            self.user = user
            self.action = action
            self.expiresAt = expiresAt
            self.nonce = nonce
        }

        enum CodingKeys: String, CodingKey {
            case tenant = "t", alertId = "a", user = "u", action = "x", expiresAt = "e", nonce = "n"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            tenant = try c.decode(String.self, forKey: .tenant)
            alertId = try c.decode(String.self, forKey: .alertId)
            user = try c.decodeIfPresent(String.self, forKey: .user)
            action = try c.decode(AckCommand.Action.self, forKey: .action)
            expiresAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .expiresAt))
            nonce = try c.decode(String.self, forKey: .nonce)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tenant, forKey: .tenant)
            try c.encode(alertId, forKey: .alertId)
            try c.encodeIfPresent(user, forKey: .user)
            try c.encode(action, forKey: .action)
            try c.encode(expiresAt.timeIntervalSince1970.rounded(.down), forKey: .expiresAt)
            try c.encode(nonce, forKey: .nonce)
        }
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable { case malformed, badSignature = "bad_signature", expired }
        public let code: Code
        public let message: String
        public var description: String { "\(code.rawValue): \(message)" }
    }

    public static let defaultTTL: TimeInterval = 24 * 3600

    public static func sign(_ claims: Claims, secret: String) -> String {
        let body = (try? JSONCoding.encode(claims)) ?? Data()
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return base64URL(body) + "." + base64URL(Data(mac))
    }

    /// The claims of a genuine token that has not expired at `now`.
    public static func verify(_ token: String, secret: String, now: Date) throws(Failure) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let body = data(base64URL: String(parts[0])), let mac = data(base64URL: String(parts[1])) else {
            throw Failure(code: .malformed, message: "not an action token")
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Data(secret.utf8))) else {
            throw Failure(code: .badSignature, message: "the token's signature does not match")
        }
        guard let claims = try? JSONCoding.decode(Claims.self, from: body) else {
            throw Failure(code: .malformed, message: "the token's claims cannot be read")
        }
        guard claims.expiresAt > now else { throw Failure(code: .expired, message: "the token expired at \(RFC3339.string(from: claims.expiresAt))") }
        return claims
    }

    /// A fresh random nonce (96 bits, hex).
    public static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<3).map { _ in String(generator.next() & 0xFFFF_FFFF, radix: 16) }.joined()
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}
