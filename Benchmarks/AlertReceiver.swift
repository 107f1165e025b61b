// The HTTP receiver inside the bench process: webhook-gateway and Alertmanager POST here; it stamps each alert's arrival.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Answers 200 with an empty body to every request and records the receive time of each `bench_seq` in its body.
///
/// It stands in for a customer's endpoint, which would not run on the machine under test, yet its CPU comes from the
/// two cores the systems share: with Hummingbird (SwiftNIO) it took ~25 µs per request there (7–8 % of all CPU at
/// full load, profiled), for the system under test and for Alertmanager alike. So it is the least an HTTP/1.1 server
/// can be: plain sockets, a thread per connection (the gateway keeps 8, Alertmanager a few), keep-alive, requests
/// framed by Content-Length (both senders set it; a chunked request is answered 411 and the connection closed).
final class AlertReceiver: @unchecked Sendable {
    let ledger: DeliveryLedger
    private(set) var port = 0
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var connections = Set<Int32>()
    private var requestCount = 0
    private var unmatched = 0

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: Int { lock.withLock { requestCount } }
    /// Requests without any bench sequence number (should stay 0).
    var unmatchedRequests: Int { lock.withLock { unmatched } }

    /// Request heads and bodies larger than this are refused (Alertmanager's batches are far smaller).
    static let maxRequestBytes = 16 << 20

    init(ledger: DeliveryLedger) { self.ledger = ledger }

    func start() async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError(code: .receiver, message: "socket() failed: errno \(errno)") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1024) == 0 else {
            close(fd)
            throw BenchError(code: .receiver, message: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        lock.withLock { listener = fd }
        let thread = Thread { [self] in acceptConnections(fd) }
        thread.name = "bench-receiver"
        thread.start()
    }

    func stop() {
        let (fd, open) = lock.withLock { () -> (Int32, Set<Int32>) in
            defer { listener = -1 }
            return (listener, connections)
        }
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
        // Unblocks each connection's read; its thread closes it.
        for connection in open { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    private func acceptConnections(_ fd: Int32) {
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // stop() closed the listener
            }
            var one: Int32 = 1
            _ = setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            lock.withLock { _ = connections.insert(connection) }
            let thread = Thread { [self] in
                serve(connection)
                lock.withLock { _ = connections.remove(connection) }
                close(connection)
            }
            thread.name = "bench-receiver-conn"
            thread.start()
        }
    }

    private static let ok = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
    private static let lengthRequired = Array("HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
    private static let tooLarge = Array("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    /// Reads requests off one connection until the peer closes it.
    private func serve(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var filled = 0
        while true {
            // Every complete request in the buffer, in order.
            while let head = RequestHead.parse(buffer, filled) {
                if head.chunked {
                    _ = Self.send(fd, Self.lengthRequired)
                    return
                }
                let total = head.bodyStart + head.contentLength
                guard total <= Self.maxRequestBytes else {
                    _ = Self.send(fd, Self.tooLarge)
                    return
                }
                guard filled >= total else {
                    if buffer.count < total { buffer += [UInt8](repeating: 0, count: total - buffer.count) }
                    break
                }
                let now = monotonicNanos()
                let seqs = buffer.withUnsafeBytes { BenchSequence.scan(UnsafeRawBufferPointer(rebasing: $0[head.bodyStart..<total])) }
                ledger.markReceived(seqs, part: head.part, at: now)
                lock.withLock {
                    requestCount += 1
                    if seqs.isEmpty { unmatched += 1 }
                }
                guard Self.send(fd, Self.ok) else { return }
                buffer.withUnsafeMutableBytes { bytes in
                    guard let base = bytes.baseAddress else { return }
                    memmove(base, base + total, filled - total)
                }
                filled -= total
            }
            if filled == buffer.count {
                guard buffer.count < Self.maxRequestBytes else {
                    _ = Self.send(fd, Self.tooLarge)
                    return
                }
                buffer += [UInt8](repeating: 0, count: buffer.count)
            }
            let received = buffer.withUnsafeMutableBytes { bytes in read(fd, bytes.baseAddress! + filled, bytes.count - filled) }
            guard received > 0 else {
                if received < 0 && errno == EINTR { continue }
                return
            }
            filled += received
        }
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

/// Where a request's head ends, and how its body is framed.
struct RequestHead: Equatable {
    var bodyStart: Int
    var contentLength: Int
    var chunked: Bool
    /// What the request's path delivers (`/teams`, `/ticketing`, anything else).
    var part: ReceiptParts = .any

    /// nil until the buffer holds the whole head (up to the blank line).
    static func parse(_ buffer: [UInt8], _ filled: Int) -> RequestHead? {
        guard filled >= 4 else { return nil }
        var end = -1
        var index = 3
        while index < filled {
            if buffer[index] == 10, buffer[index - 1] == 13, buffer[index - 2] == 10, buffer[index - 3] == 13 {
                end = index + 1
                break
            }
            index += 1
        }
        guard end > 0 else { return nil }
        var head = RequestHead(bodyStart: end, contentLength: 0, chunked: false)
        // The request line: "POST /path HTTP/1.1".
        if let lineEnd = buffer[0..<end].firstIndex(of: 13) {
            let words = buffer[0..<lineEnd].split(separator: UInt8(ascii: " "))
            if words.count >= 2 {
                let target = String(decoding: words[1], as: UTF8.self)
                head.part = ReceiptParts.forPath(target.split(separator: "?", omittingEmptySubsequences: false)[0])
            }
        }
        // Header lines after the request line: "name: value", names compared without regard to case.
        var lineStart = 0
        for position in 0..<(end - 2) where buffer[position] == 13 && buffer[position + 1] == 10 {
            let line = buffer[lineStart..<position]
            lineStart = position + 2
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                head.contentLength = max(0, Int(value) ?? 0)
            } else if name == "transfer-encoding", value.lowercased().contains("chunked") {
                head.chunked = true
            }
        }
        return head
    }
}
