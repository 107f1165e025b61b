// CPU (utime+stime from /proc/PID/stat) and RSS (VmRSS from /proc/PID/status) of each process the bench watches.
import Foundation

struct ProcessUsage: Sendable {
    let name: String
    /// CPU seconds used during the window.
    let cpuSeconds: Double
    /// Share of one core over the window, in percent.
    let cpuPercent: Double
    /// Largest RSS seen during the window, in MiB.
    let maxRSSMiB: Double
}

/// A thread samples every `interval` seconds; `begin()`/`end()` bracket one phase.
final class ProcessSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var watched: [(name: String, pid: Int32)] = []
    private var startTicks: [Int32: UInt64] = [:]
    private var maxRSS: [Int32: UInt64] = [:]
    private var windowStart: UInt64 = 0
    private var running = true
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    init(interval: Double = 0.2) {
        let thread = Thread { [weak self] in
            while let self, self.isRunning {
                self.sample()
                usleep(UInt32(interval * 1_000_000))
            }
        }
        thread.name = "bench sampler"
        thread.start()
    }

    private var isRunning: Bool { lock.withLock { running } }

    func shutdown() { lock.withLock { running = false } }

    /// Replaces the watched processes (one system at a time).
    func watch(_ processes: [(name: String, pid: Int32)]) {
        lock.withLock { watched = processes }
    }

    func begin() {
        let processes = lock.withLock { watched }
        var ticks: [Int32: UInt64] = [:]
        var rss: [Int32: UInt64] = [:]
        for process in processes {
            ticks[process.pid] = ProcessSampler.cpuTicks(process.pid) ?? 0
            rss[process.pid] = ProcessSampler.rssKiB(process.pid) ?? 0
        }
        lock.withLock {
            startTicks = ticks
            maxRSS = rss
            windowStart = monotonicNanos()
        }
    }

    func end() -> [ProcessUsage] {
        sample()
        let (processes, ticks, rss, start) = lock.withLock { (watched, startTicks, maxRSS, windowStart) }
        let wall = Double(monotonicNanos() - start) / 1e9
        return processes.map { process in
            let used = Double((ProcessSampler.cpuTicks(process.pid) ?? 0) &- (ticks[process.pid] ?? 0)) / ProcessSampler.ticksPerSecond
            return ProcessUsage(name: process.name, cpuSeconds: used, cpuPercent: wall > 0 ? used / wall * 100 : 0,
                                maxRSSMiB: Double(rss[process.pid] ?? 0) / 1024)
        }
    }

    private func sample() {
        let processes = lock.withLock { watched }
        for process in processes {
            guard let kib = ProcessSampler.rssKiB(process.pid) else { continue }
            lock.withLock { maxRSS[process.pid] = max(maxRSS[process.pid] ?? 0, kib) }
        }
    }

    /// utime + stime: fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the command name.
    static func cpuTicks(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so utime (field 14) is fields[11].
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return user + system
    }

    static func rssKiB(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return UInt64(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }
}
