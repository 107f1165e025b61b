// Free loopback ports and "does it accept connections yet", for the processes tests and the benchmark start.
import Foundation
import Synchronization

public enum LocalPorts {
    /// Ports this process has handed out already. The kernel may give the same ephemeral port to the next
    /// `bind(0)` once our probe socket is closed, and tests running in parallel in one process then raced for
    /// it: a webhook gateway failed with "Address already in use" because a broker of another test took its port.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port the kernel just handed out, never one this process handed out before.
    public static func free() -> Int {
        for _ in 0..<100 {
            let port = probe()
            guard port != 0 else { return 0 }
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        return probe()
    }

    /// A port held bound (SO_REUSEADDR) but not listening: no `bind(0)` of any process gets it meanwhile, a connection
    /// to it is refused, and a server that binds it with SO_REUSEADDR (asyncio's, aiosmtpd's) may take it over before
    /// `release()`. For a test that starts its server later on a port its client already knows.
    public final class Reservation: @unchecked Sendable {
        public let port: Int
        private var fd: Int32

        init(port: Int, fd: Int32) {
            self.port = port
            self.fd = fd
        }

        public func release() {
            if fd >= 0 { close(fd) }
            fd = -1
        }

        deinit { release() }
    }

    public static func reserve() -> Reservation? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard bound == 0, withUnsafeMutablePointer(to: &address, {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }) == 0 else {
            close(fd)
            return nil
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        handedOut.withLock { _ = $0.insert(port) }
        return Reservation(port: port, fd: fd)
    }

    private static func probe() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return 0 }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }

    /// Polls until `port` accepts connections, the process died, or `timeout` seconds passed.
    public static func waitUntilListening(port: Int, process: ChildProcess, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !acceptsConnections(port: port) {
            guard process.isRunning, Date() < deadline else { return false }
            usleep(10_000)
        }
        return true
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
