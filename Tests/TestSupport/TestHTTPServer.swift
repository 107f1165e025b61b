// A real local HTTP server for tests: records every request and answers from a scripted responder.
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// One request as the server received it.
public struct RecordedHTTPRequest: Sendable {
    /// 0 for the first request the server received, in order of arrival.
    public let index: Int
    public let method: String
    /// Path without the query.
    public let path: String
    /// Path and query, as sent.
    public let target: String
    public let headers: [(name: String, value: String)]
    public let body: Data
    public let receivedAt: Date
    /// The client's address and port: one value per TCP connection, so tests can see keep-alive reuse.
    public let remoteAddress: String

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// What the server answers; `delay` holds the answer back to script slow endpoints.
public struct ScriptedHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data
    public var delay: Double

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: Data = Data("ok".utf8), delay: Double = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    public static let ok = ScriptedHTTPResponse()
}

public typealias TestHTTPResponder = @Sendable (RecordedHTTPRequest) async -> ScriptedHTTPResponse

public struct TestHTTPServerError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case startFailed, timeout }
    public let code: Code
    public let message: String
    public var description: String { "TestHTTPServerError.\(code.rawValue): \(message)" }
}

/// Answers from Swift's cooperative pool: a test that calls a blocking client must do so from a
/// thread of its own, or it can starve the server on a small machine.
public final class TestHTTPServer: @unchecked Sendable {
    // Guarded by `lock`; @unchecked because Hummingbird calls in from its event loops.
    private let lock = NSLock()
    private var recorded: [RecordedHTTPRequest] = []
    private var currentResponder: TestHTTPResponder
    private var runTask: Task<Void, Never>?
    public private(set) var port = 0

    /// "http://127.0.0.1:<port>", without a trailing slash.
    public var url: String { "http://127.0.0.1:\(port)" }

    public var requests: [RecordedHTTPRequest] { lock.withLock { recorded } }

    /// Replaceable while the server runs, so a test can change the script between phases.
    public var responder: TestHTTPResponder {
        get { lock.withLock { currentResponder } }
        set { lock.withLock { currentResponder = newValue } }
    }

    private init(responder: @escaping TestHTTPResponder) {
        currentResponder = responder
    }

    deinit {
        runTask?.cancel()
    }

    /// Starts a server on 127.0.0.1 with a port the kernel picks, and returns once it accepts connections.
    public static func start(responder: @escaping TestHTTPResponder = { _ in .ok }) async throws -> TestHTTPServer {
        let server = TestHTTPServer(responder: responder)
        try await server.run()
        return server
    }

    /// Stops listening and closes connections; returns without waiting for that to finish.
    public func stop() {
        lock.withLock { runTask }?.cancel()
    }

    /// Waits until at least `count` requests arrived; returns them all.
    @discardableResult
    public func waitForRequests(count: Int, timeout: Double = 10) async throws -> [RecordedHTTPRequest] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let arrived = lock.withLock { recorded.count }
            if arrived >= count { return requests }
            if Date() >= deadline {
                throw TestHTTPServerError(code: .timeout, message: "\(arrived) of \(count) requests arrived within \(timeout) s")
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    private func run() async throws {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        // weak: the server object may be gone while a connection still delivers a request.
        let responder = CallbackResponder { [weak self] (request: Request, context: RecordingRequestContext) in
            guard let self else { return Response(status: .serviceUnavailable) }
            return try await self.answer(request, remoteAddress: context.remoteAddress)
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), backlog: 1024),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: "test-http-server", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let task = Task {
            do { try await app.run() } catch {}
            portContinuation.finish()
        }
        lock.withLock { runTask = task }
        for await bound in ports where bound > 0 {
            port = bound
            return
        }
        task.cancel()
        throw TestHTTPServerError(code: .startFailed, message: "the server stopped before it listened")
    }

    private func answer(_ request: Request, remoteAddress: String) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 << 20)
        let body = Data(buffer.readableBytesView)
        let responder = lock.withLock { currentResponder }
        let recordedRequest = lock.withLock {
            let entry = RecordedHTTPRequest(
                index: recorded.count,
                method: request.method.rawValue,
                path: request.uri.path,
                target: request.uri.description,
                headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
                body: body,
                receivedAt: Date(),
                remoteAddress: remoteAddress
            )
            recorded.append(entry)
            return entry
        }
        let scripted = await responder(recordedRequest)
        if scripted.delay > 0 {
            try await Task.sleep(nanoseconds: UInt64(scripted.delay * 1_000_000_000))
        }
        var fields = HTTPFields()
        for header in scripted.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        return Response(
            status: HTTPResponse.Status(code: scripted.status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: scripted.body))
        )
    }
}

/// Hummingbird's basic context plus the peer address, which the server records per request.
struct RecordingRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
    }
}
