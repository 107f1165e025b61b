// Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256>).
import Crypto
import Foundation

public struct WebhookSigner: Sendable {
    /// Key bytes (SymmetricKey is not Sendable in swift-crypto 3).
    private let key: Data

    /// A `whsec_<base64>` secret is used as its decoded bytes, as Standard Webhooks says; any other secret as its UTF-8 bytes.
    public init(secret: String) {
        if secret.hasPrefix("whsec_"), let decoded = Data(base64Encoded: String(secret.dropFirst(6))) {
            key = decoded
        } else {
            key = Data(secret.utf8)
        }
    }

    /// `v1,<base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))>`
    public func signature(id: String, timestamp: Int, body: Data) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    public func headers(id: String, timestamp: Int, body: Data) -> [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature(id: id, timestamp: timestamp, body: body))]
    }

    /// Receivers' side (used by tests and by anyone embedding the gateway's receiver check): constant-time compare
    /// against any `v1,` signature in the space-separated header, within a tolerance window against replay.
    public func verify(id: String, timestamp: Int, body: Data, signatureHeader: String, now: Date = Date(), tolerance: Double = 300) -> Bool {
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = Array(signature(id: id, timestamp: timestamp, body: body).utf8)
        return signatureHeader.split(separator: " ").contains { candidate in
            let given = Array(candidate.utf8)
            guard given.count == expected.count else { return false }
            return zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
