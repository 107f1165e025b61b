// TLS settings for an `mqtts://` broker URL: the CA to trust, an optional client certificate, hostname checks.

public struct BrokerTLSConfig: Sendable, Equatable, Codable {
    /// PEM file of the CA that signed the broker's certificate; none trusts the system's CAs.
    public var caFile: String?
    /// PEM client certificate and its key, for a broker with `require_certificate true`.
    public var certFile: String?
    public var keyFile: String?
    /// Whether the broker's certificate must name the host of the URL.
    public var verifyHostname: Bool

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, verifyHostname: Bool = true) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.verifyHostname = verifyHostname
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case caFile = "ca_file"
        case certFile = "cert_file"
        case keyFile = "key_file"
        case verifyHostname = "verify_hostname"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        caFile = try r.optional(.caFile)
        certFile = try r.optional(.certFile)
        keyFile = try r.optional(.keyFile)
        verifyHostname = try r.value(.verifyHostname, default: true)
    }
}
