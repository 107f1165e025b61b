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
