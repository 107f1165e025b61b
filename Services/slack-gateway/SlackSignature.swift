// Slack's request signing (v0): HMAC-SHA256 over `v0:{timestamp}:{body}` with the app's signing secret, compared in
// constant time, within a replay window.
import Crypto
import Foundation

public struct SlackSignature: Sendable {
    public let secret: String
    /// Requests older (or newer) than this are refused: a captured request cannot be played again later.
    public static let window: Double = 300

    public init(secret: String) { self.secret = secret }

    public enum Verdict: Sendable, Equatable {
        case valid
        case missing
        case malformed
        case expired
        case mismatch

        public var reason: String {
            switch self {
            case .valid: "valid"
            case .missing: "X-Slack-Signature or X-Slack-Request-Timestamp missing"
            case .malformed: "malformed signature or timestamp"
            case .expired: "timestamp outside the 5-minute window"
            case .mismatch: "signature does not match"
            }
        }
    }

    /// `v0=` and the hex HMAC of the request.
    public func sign(timestamp: String, body: Data) -> String {
        "v0=" + mac(timestamp: timestamp, body: body).map { String(format: "%02x", $0) }.joined()
    }

    public func verify(signature: String?, timestamp: String?, body: Data, now: Date) -> Verdict {
        guard let signature, let timestamp else { return .missing }
        guard let seconds = Double(timestamp), seconds.isFinite, signature.hasPrefix("v0="),
              let provided = Self.bytes(hex: String(signature.dropFirst(3))), provided.count == SHA256.byteCount else { return .malformed }
        guard abs(now.timeIntervalSince1970 - seconds) <= Self.window else { return .expired }
        let valid = HMAC<SHA256>.isValidAuthenticationCode(provided, authenticating: Self.message(timestamp: timestamp, body: body),
                                                           using: SymmetricKey(data: Data(secret.utf8)))
        return valid ? .valid : .mismatch
    }

    private func mac(timestamp: String, body: Data) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Self.message(timestamp: timestamp, body: body), using: SymmetricKey(data: Data(secret.utf8))))
    }

    private static func message(timestamp: String, body: Data) -> Data {
        Data("v0:\(timestamp):".utf8) + body
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
