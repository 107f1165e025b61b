// A blocking SMTP client over one libcurl easy handle, reused so the connection to a server is (one per delivery
// thread): one message to one recipient per call, the server's replies kept to classify what went wrong.
internal import CCurl
import Foundation

public final class SMTPClient {
    public let connectTimeout: Double
    /// New connections this client opened; stays flat while the connection to a server is reused.
    public private(set) var connectionsOpened = 0
    private let handle: UnsafeMutableRawPointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    public init(connectTimeout: Double = 10) {
        _ = SMTPCurl.initialized
        self.connectTimeout = connectTimeout
        handle = curl_easy_init()
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
    }

    /// Sends `message` from `from` to `to` through `server`, blocking until the server's last reply or the timeout.
    /// - Parameters:
    ///   - requireTLS: on `smtp://`, refuse to send unless STARTTLS succeeds; otherwise STARTTLS when offered.
    ///   - caFile: a PEM bundle to trust instead of the system's.
    public func send(_ message: Data, from: String, to: String, server: SMTPServer, requireTLS: Bool, caFile: String?,
                     timeout: Double) -> SMTPResult {
        guard let handle else { return SMTPResult(failure: .other, message: "curl_easy_init failed") }
        guard let recipients = curl_slist_append(nil, "<\(to)>") else {
            return SMTPResult(failure: .other, message: "cannot build the recipient list")
        }
        defer { curl_slist_free_all(recipients) }
        // Reset so no option leaks from one message into the next; it keeps the connection cache.
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let upload = SMTPUpload(message)
        let transcript = SMTPTranscript()
        let code: CURLcode = withExtendedLifetime((upload, transcript)) {
            var setup = CURLE_OK
            func apply(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
            apply(curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            apply(curl_easy_setopt_string(handle, CURLOPT_URL, server.curlURL))
            apply(curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
            apply(curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))  // signals are process-wide; we run on many threads
            apply(curl_easy_setopt_long(handle, CURLOPT_TCP_NODELAY, 1))
            apply(curl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
            apply(curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout)))
            apply(curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)))
            if !server.implicitTLS {
                let level = requireTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
                apply(curl_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(level.rawValue)))
            }
            if let caFile { apply(curl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
            if let username = server.username {
                apply(curl_easy_setopt_string(handle, CURLOPT_USERNAME, username))
                apply(curl_easy_setopt_string(handle, CURLOPT_PASSWORD, server.password ?? ""))
            }
            apply(curl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>"))
            apply(curl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients))
            apply(curl_easy_setopt_long(handle, CURLOPT_UPLOAD, 1))
            apply(curl_easy_setopt_read_callback(handle) { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                return Unmanaged<SMTPUpload>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: size * count)
            })
            apply(curl_easy_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()))
            // The transcript sees the server's replies and the verbs of our commands, never their arguments (AUTH).
            apply(curl_easy_setopt_long(handle, CURLOPT_VERBOSE, 1))
            apply(curl_easy_setopt_debug_callback(handle) { _, type, data, size, context in
                guard let data, let context else { return 0 }
                let transcript = Unmanaged<SMTPTranscript>.fromOpaque(context).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: data, count: size)
                if type == CURLINFO_HEADER_IN { transcript.reply(bytes) } else if type == CURLINFO_HEADER_OUT { transcript.command(bytes) }
                return 0
            })
            apply(curl_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(transcript).toOpaque()))
            guard setup == CURLE_OK else { return setup }
            return curl_easy_perform(handle)
        }
        var connects = 0
        if curl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK { connectionsOpened += connects }
        var replyCode = 0
        _ = curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &replyCode)
        if code == CURLE_OK { return SMTPResult(replyCode: replyCode, reply: transcript.lastReply, stage: transcript.stage) }
        let summary = String(cString: curl_easy_strerror(code))
        let detail = String(cString: errorBuffer)
        return SMTPResult(failure: Self.failure(code), message: detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)",
                          replyCode: transcript.lastCode ?? (replyCode > 0 ? replyCode : nil), reply: transcript.lastReply,
                          stage: transcript.stage)
    }

    static func failure(_ code: CURLcode) -> SMTPResult.Failure {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
             CURLE_WEIRD_SERVER_REPLY, CURLE_PARTIAL_FILE:
            .connection
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            .tls
        case CURLE_LOGIN_DENIED: .login
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .configuration
        default: .other
        }
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }
}

/// Not Sendable on purpose: a CURL easy handle belongs to one thread at a time.
@available(*, unavailable)
extension SMTPClient: Sendable {}

enum SMTPCurl {
    /// curl_global_init must not race other threads' curl calls; a static let runs it once (HTTPClient does the same
    /// for its own users; calling it twice is harmless).
    static let initialized: CURLcode = curl_global_init_all()
}

/// The message curl reads after DATA.
final class SMTPUpload {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
