// The error of one failed attempt, and the one place a CURLcode becomes it.
internal import CCurl

public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The transfer took longer than the request's timeout (or the connect timeout).
        case timeout
        /// No connection could be made, or it broke before a complete response arrived.
        case connect
        /// TLS handshake or certificate verification failed.
        case tls
        /// The URL, or its scheme, is not one the client accepts.
        case invalidURL
        case other
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "HTTPClientError.\(code.rawValue): \(message)" }
}

extension HTTPClientError {
    /// `detail` is curl's error buffer: it names host and port at most, never headers or bodies.
    init(curlCode: CURLcode, detail: String) {
        let code: Code
        switch curlCode {
        case CURLE_OPERATION_TIMEDOUT:
            code = .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            code = .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            code = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            code = .invalidURL
        default:
            code = .other
        }
        let summary = String(cString: curl_easy_strerror(curlCode))
        let message = detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
        self.init(code: code, message: "\(message) (curl \(curlCode.rawValue))")
    }
}
