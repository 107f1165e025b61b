// HTTPClient against a real local server: requests, retries, errors, keep-alive.
import Foundation
import HTTPClient
import Testing
import TestSupport

@Suite struct HTTPClientTests {
    @Test func postWithHeadersAndBodyArrivesIntact() async throws {
        let server = try await TestHTTPServer.start { _ in
            ScriptedHTTPResponse(status: 202, headers: [(name: "X-Receipt", value: "r-1")], body: Data("accepted".utf8))
        }
        defer { server.stop() }
        let body = Data(#"{"alert":"disk full","severity":"critical","note":"ünïcode"}"#.utf8)
        let url = server.url + "/hooks/ops?tenant=a"
        let result = await onOwnThread {
            HTTPClient(userAgent: "alerting-test/1").perform(HTTPRequest(
                url: url,
                headers: [(name: "Content-Type", value: "application/json"), (name: "X-Signature", value: "sha256=abc")],
                body: body))
        }
        let response = try result.get()
        #expect(response.status == 202)
        #expect(response.body == Data("accepted".utf8))
        #expect(response.headers["x-receipt"] == "r-1")  // names are lower-cased

        let received = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(received.method == "POST")
        #expect(received.path == "/hooks/ops")
        #expect(received.target == "/hooks/ops?tenant=a")
        #expect(received.body == body)
        #expect(received.header("content-type") == "application/json")
        #expect(received.header("x-signature") == "sha256=abc")
        #expect(received.header("user-agent") == "alerting-test/1")
        #expect(received.header("expect") == nil)
    }

    @Test func largeBodyArrivesIntactWithoutContinueRoundTrip() async throws {
        let server = try await TestHTTPServer.start()
        defer { server.stop() }
        let body = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let url = server.url + "/big"
        let result = await onOwnThread {
            HTTPClient().perform(HTTPRequest(method: "PUT", url: url, body: body))
        }
        #expect(try result.get().status == 200)
        let received = try #require(server.requests.first)
        #expect(received.method == "PUT")
        #expect(received.body == body)
        #expect(received.header("expect") == nil)
    }

    @Test func getAndDeleteSendNoBody() async throws {
        let server = try await TestHTTPServer.start()
        defer { server.stop() }
        let url = server.url + "/thing"
        let statuses = await onOwnThread {
            let client = HTTPClient()
            return ["GET", "DELETE", "HEAD"].map { method in
                (try? client.perform(HTTPRequest(method: method, url: url)).get().status) ?? -1
            }
        }
        #expect(statuses == [200, 200, 200])
        #expect(server.requests.map(\.method) == ["GET", "DELETE", "HEAD"])
        #expect(server.requests.allSatisfy { $0.body.isEmpty })
    }

    @Test func retriesAfter500ThenSucceeds() async throws {
        let server = try await TestHTTPServer.start { request in
            request.index < 2 ? ScriptedHTTPResponse(status: 500, body: Data("boom".utf8)) : .ok
        }
        defer { server.stop() }
        let sleeps = SleepLog()
        let url = server.url + "/hook"
        let delivery = await onOwnThread {
            HTTPClient().send(HTTPRequest(url: url, body: Data("x".utf8)),
                              retry: RetryPolicy(maxAttempts: 5, baseDelay: 0.5, maxDelay: 30),
                              sleep: sleeps.record)
        }
        #expect(delivery.succeeded)
        #expect(delivery.attempts == 3)
        #expect(delivery.response?.status == 200)
        #expect(delivery.error == nil)
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0.body == Data("x".utf8) })
        // Attempt n waits at most baseDelay × 2^(n-1).
        #expect(sleeps.recorded.count == 2)
        #expect(zip(sleeps.recorded, [0.5, 1.0]).allSatisfy { $0 >= 0 && $0 <= $1 })
    }

    @Test func retryAfterFrom429IsHonoured() async throws {
        let server = try await TestHTTPServer.start { request in
            request.index == 0 ? ScriptedHTTPResponse(status: 429, headers: [(name: "Retry-After", value: "7")]) : .ok
        }
        defer { server.stop() }
        let sleeps = SleepLog()
        let url = server.url
        let delivery = await onOwnThread {
            HTTPClient().send(HTTPRequest(url: url), retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.1, maxDelay: 1), sleep: sleeps.record)
        }
        #expect(delivery.succeeded)
        #expect(delivery.attempts == 2)
        // 7 s exceeds maxDelay (1 s): the server's word wins over the backoff ceiling.
        #expect(sleeps.recorded == [7])
    }

    @Test func retriesStopAtMaxAttemptsWithTheLastResponse() async throws {
        let server = try await TestHTTPServer.start { _ in ScriptedHTTPResponse(status: 503) }
        defer { server.stop() }
        let sleeps = SleepLog()
        let url = server.url
        let delivery = await onOwnThread {
            HTTPClient().send(HTTPRequest(url: url), retry: RetryPolicy(maxAttempts: 4), sleep: sleeps.record)
        }
        #expect(!delivery.succeeded)
        #expect(delivery.attempts == 4)
        #expect(delivery.response?.status == 503)
        #expect(sleeps.recorded.count == 3)
        #expect(server.requests.count == 4)
    }

    @Test func nonRetryable400StopsAfterOneAttempt() async throws {
        let server = try await TestHTTPServer.start { _ in ScriptedHTTPResponse(status: 400, body: Data("bad payload".utf8)) }
        defer { server.stop() }
        let sleeps = SleepLog()
        let url = server.url
        let delivery = await onOwnThread {
            HTTPClient().send(HTTPRequest(url: url), retry: RetryPolicy(), sleep: sleeps.record)
        }
        #expect(delivery.attempts == 1)
        #expect(delivery.response?.status == 400)
        #expect(delivery.response?.body == Data("bad payload".utf8))
        #expect(!delivery.succeeded)
        #expect(sleeps.recorded.isEmpty)
        #expect(server.requests.count == 1)
    }

    @Test func refusedConnectionIsAConnectErrorAndRetried() async throws {
        let refusing = try RefusingPort()
        let url = "http://127.0.0.1:\(refusing.port)/hook"
        let sleeps = SleepLog()
        let delivery = await onOwnThread {
            HTTPClient().send(HTTPRequest(url: url), retry: RetryPolicy(maxAttempts: 3), sleep: sleeps.record)
        }
        withExtendedLifetime(refusing) {}
        #expect(delivery.response == nil)
        #expect(delivery.error?.code == .connect)
        #expect(delivery.attempts == 3)
        #expect(sleeps.recorded.count == 2)
    }

    @Test func slowServerIsATimeout() async throws {
        let server = try await TestHTTPServer.start { _ in ScriptedHTTPResponse(delay: 3) }
        defer { server.stop() }
        let url = server.url
        let result = await onOwnThread {
            HTTPClient().perform(HTTPRequest(url: url, timeout: 0.3))
        }
        #expect(throws: HTTPClientError.self) { try result.get() }
        if case .failure(let error) = result {
            #expect(error.code == .timeout)
            #expect(RetryPolicy().shouldRetry(error: error))
        }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        let server = try await TestHTTPServer.start()
        defer { server.stop() }
        let url = server.url + "/hook"
        let opened = await onOwnThread {
            let client = HTTPClient()
            let statuses = (0..<20).map { index in
                (try? client.perform(HTTPRequest(url: url, body: Data("\(index)".utf8))).get().status) ?? -1
            }
            return (statuses, client.connectionsOpened)
        }
        #expect(opened.0 == Array(repeating: 200, count: 20))
        #expect(opened.1 == 1)
        // The server saw every request arrive from the same client port.
        #expect(Set(server.requests.map(\.remoteAddress)).count == 1)

        let second = await onOwnThread {
            let client = HTTPClient()
            _ = client.perform(HTTPRequest(url: url))
            return client.connectionsOpened
        }
        #expect(second == 1)
        #expect(Set(server.requests.map(\.remoteAddress)).count == 2)
    }

    @Test func manyRequestsThroughOneClientAllArrive() async throws {
        let server = try await TestHTTPServer.start()
        defer { server.stop() }
        let url = server.url + "/bulk"
        let failures = await onOwnThread {
            let client = HTTPClient()
            return (0..<1_000).filter { index in
                (try? client.perform(HTTPRequest(url: url, body: Data("\(index)".utf8))).get().status) != 200
            }.count
        }
        #expect(failures == 0)
        let received = try await server.waitForRequests(count: 1_000)
        #expect(Set(received.map(\.body)).count == 1_000)
    }

    @Test func headerInjectionIsRejectedBeforeSending() async throws {
        let server = try await TestHTTPServer.start()
        defer { server.stop() }
        let url = server.url
        let result = await onOwnThread {
            HTTPClient().perform(HTTPRequest(url: url, headers: [(name: "X-Token", value: "abc\r\nX-Evil: 1")]))
        }
        guard case .failure(let error) = result else {
            Issue.record("a header with a line break was sent")
            return
        }
        #expect(error.code == .other)
        #expect(!error.message.contains("abc"))  // values may be secrets
        #expect(server.requests.isEmpty)
    }

    @Test func unsupportedOrMalformedURLIsInvalidURL() async {
        let codes = await onOwnThread {
            let client = HTTPClient()
            return ["file:///etc/passwd", "ftp://127.0.0.1/x", "http://[::1", "no scheme here"].map { url -> HTTPClientError.Code? in
                if case .failure(let error) = client.perform(HTTPRequest(url: url)) { return error.code }
                return nil
            }
        }
        #expect(codes == [.invalidURL, .invalidURL, .invalidURL, .invalidURL])
        #expect(!RetryPolicy().shouldRetry(error: HTTPClientError(code: .invalidURL, message: "")))
    }
}
