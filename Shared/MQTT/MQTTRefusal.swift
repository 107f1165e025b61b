// A publish the broker refused (MQTT v5 PUBACK reason code 0x80 or above), reported with its token.
public struct MQTTRefusal: Sendable, Equatable {
    /// The token the publish carried (`MQTTPublish.token`), e.g. its outbox row id.
    public let token: Int64
    /// The PUBACK's reason code, e.g. 0x87 (not authorized), 0x97 (quota exceeded), 0x99 (payload format invalid).
    public let reasonCode: Int
    /// libmosquitto's words for it, e.g. "Not authorized".
    public let reasonText: String

    public init(token: Int64, reasonCode: Int, reasonText: String) {
        self.token = token
        self.reasonCode = reasonCode
        self.reasonText = reasonText
    }

    /// "broker refused the publish: 0x87 Not authorized"
    public var description: String {
        "broker refused the publish: 0x\(String(reasonCode, radix: 16)) \(reasonText)"
    }
}
