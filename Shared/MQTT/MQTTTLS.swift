// How an MQTTClient secures its connection (`mqtts://`): which CAs it trusts, its own certificate, hostname checks.

public struct MQTTTLS: Sendable, Equatable {
    /// PEM file of the CAs that may sign the broker's certificate; nil trusts the system's CAs (`systemCAPath`).
    public var caFile: String?
    /// PEM certificate and key of this client, for a broker that asks for one (`require_certificate true`).
    public var certFile: String?
    public var keyFile: String?
    /// Checks that the broker's certificate names the host we connect to. Turning it off lets anyone holding a
    /// certificate from the same CA pose as the broker; it exists for a broker reached by an address its
    /// certificate does not list, and is logged as a warning.
    public var verifyHostname: Bool

    /// Where Debian keeps the system's trusted CAs (the ca-certificates package), hashed for OpenSSL.
    public static let systemCAPath = "/etc/ssl/certs"

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, verifyHostname: Bool = true) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.verifyHostname = verifyHostname
    }
}
