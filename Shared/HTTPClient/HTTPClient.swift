// A blocking HTTP/1.1 client over one libcurl easy handle, reused so keep-alive connections are.
internal import CCurl
import Foundation
import Logging

/// One per thread: it wraps one CURL easy handle, which must not be used from two threads at once.
public final class HTTPClient {
    /// Response bodies are cut here: callers read statuses and short error texts, and a hostile
    /// endpoint must not be able to fill memory.
    public static let maxResponseBytes = 1 << 20

    public let connectTimeout: Double
    public let userAgent: String
    /// New TCP connections this client opened; stays flat while keep-alive connections are reused.
    public private(set) var connectionsOpened = 0

    let logger: Logger
    private let handle: UnsafeMutableRawPointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    public init(connectTimeout: Double = 5, userAgent: String = "alerting/0.1",
                logger: Logger = Logger(label: "alerting.http-client", factory: { _ in SwiftLogNoOpLogHandler() })) {
        _ = CurlRuntime.initialized
        self.connectTimeout = connectTimeout
        self.userAgent = userAgent
        self.logger = logger
        handle = curl_easy_init()
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
    }

    /// One attempt, blocking the calling thread until the response or the timeout.
    public func perform(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPClientError> {
        guard let handle else {
            return .failure(HTTPClientError(code: .other, message: "curl_easy_init failed"))
        }
        if let problem = Self.validate(request) { return .failure(problem) }

        guard let headerList = Self.headerList(for: request) else {
            return .failure(HTTPClientError(code: .other, message: "cannot build the header list"))
        }
        defer { curl_slist_free_all(headerList) }

        // Reset so no option leaks from one request into the next; it keeps the connection cache.
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let transfer = CurlTransfer(limit: Self.maxResponseBytes)
        let context = Unmanaged.passUnretained(transfer).toOpaque()

        let code: CURLcode = withExtendedLifetime(transfer) {
            request.body.withUnsafeBytes { body -> CURLcode in
                var setup = CURLE_OK
                func apply(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }

                apply(curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
                apply(curl_easy_setopt_string(handle, CURLOPT_URL, request.url))
                apply(curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
                apply(curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))  // signals are process-wide; we run on many threads
                apply(curl_easy_setopt_long(handle, CURLOPT_TCP_NODELAY, 1))
                apply(curl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
                apply(curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
                apply(curl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
                apply(curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout)))
                apply(curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
                apply(curl_easy_setopt_string(handle, CURLOPT_USERAGENT, userAgent))
                apply(curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
                apply(curl_easy_setopt_write_callback(handle) { data, size, count, context in
                    guard let context else { return 0 }
                    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
                    Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveBody(bytes)
                    return size * count
                })
                apply(curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
                apply(curl_easy_setopt_header_callback(handle) { data, size, count, context in
                    guard let context else { return 0 }
                    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
                    Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveHeaderLine(bytes)
                    return size * count
                })
                apply(curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))

                let method = request.method.uppercased()
                if method == "HEAD" {
                    apply(curl_easy_setopt_long(handle, CURLOPT_NOBODY, 1))
                } else if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
                    // POSTFIELDS is not copied: the bytes stay valid until perform returns, inside this closure.
                    let bytes = UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(CurlRuntime.emptyBody))
                    apply(curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                    apply(curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes))
                    if method != "POST" { apply(curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)) }
                } else {
                    apply(curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))
                    if method != "GET" { apply(curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)) }
                }
                guard setup == CURLE_OK else { return setup }
                return curl_easy_perform(handle)
            }
        }

        var connects = 0
        if curl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK {
            connectionsOpened += connects
        }
        guard code == CURLE_OK else {
            return .failure(HTTPClientError(curlCode: code, detail: String(cString: errorBuffer)))
        }
        var status = 0
        _ = curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: transfer.headers, body: transfer.body))
    }

    /// Rejects what would let a caller's data rewrite the request line or inject headers.
    /// Messages name the header by position, never by value: values may be secrets.
    static func validate(_ request: HTTPRequest) -> HTTPClientError? {
        func isToken(_ text: String) -> Bool {
            !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || ("0"..."9").contains(scalar) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
            }
        }
        guard isToken(request.method) else {
            return HTTPClientError(code: .other, message: "the method is not an HTTP token")
        }
        guard !request.url.isEmpty, !request.url.contains(where: { $0.isNewline || $0 == " " || $0 == "\0" }) else {
            return HTTPClientError(code: .invalidURL, message: "the URL is empty or holds spaces or line breaks")
        }
        for (index, header) in request.headers.enumerated() {
            guard isToken(header.name) else {
                return HTTPClientError(code: .other, message: "header #\(index + 1) has an invalid name")
            }
            guard !header.value.contains(where: { $0.isNewline || $0 == "\0" }) else {
                return HTTPClientError(code: .other, message: "header \(header.name) has a line break in its value")
            }
        }
        return nil
    }

    /// The caller's headers, plus blank "Expect:" and "Content-Type:" entries that stop curl from
    /// adding a 100-continue round trip and a form content type the caller did not ask for.
    private static func headerList(for request: HTTPRequest) -> UnsafeMutablePointer<curl_slist>? {
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        let names = Set(request.headers.map { $0.name.lowercased() })
        if !names.contains("expect") { lines.append("Expect:") }
        if !names.contains("content-type") { lines.append("Content-Type:") }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                return nil
            }
            list = appended
        }
        return list
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }
}

/// Not Sendable on purpose: a CURL easy handle belongs to one thread at a time.
@available(*, unavailable)
extension HTTPClient: Sendable {}

/// Process-wide libcurl state.
enum CurlRuntime {
    /// curl_global_init is not safe to race with other threads' curl calls; a static let runs it exactly once.
    static let initialized: CURLcode = curl_global_init_all()
    /// A valid pointer for empty bodies: curl reads zero bytes from it but must not be handed NULL.
    nonisolated(unsafe) static let emptyBody: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)
}
