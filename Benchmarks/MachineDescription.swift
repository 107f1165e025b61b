// The machine a run happened on: cores, memory, CPU model, kernel, and the versions scripts/bench passes in.
import Foundation

struct MachineDescription: Sendable {
    let cores: Int
    let memory: String
    let cpuModel: String
    let kernel: String
    let swift: String
    let mosquitto: String
    let alertmanager: String

    /// Versions come from the environment (scripts/bench sets them): the bench itself never runs other tools.
    static func current() -> MachineDescription {
        let environment = ProcessInfo.processInfo.environment
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let gib = Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30)
        return MachineDescription(cores: ProcessInfo.processInfo.activeProcessorCount, memory: String(format: "%.1f GiB", gib),
                                  cpuModel: model, kernel: release,
                                  swift: environment["BENCH_SWIFT_VERSION"] ?? "unknown",
                                  mosquitto: environment["BENCH_MOSQUITTO_VERSION"] ?? "unknown",
                                  alertmanager: environment["BENCH_ALERTMANAGER_VERSION"] ?? "unknown")
    }
}
