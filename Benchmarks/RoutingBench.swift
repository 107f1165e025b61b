// `bench routing`: CPU per routed alert with a directory of 10,000 users and 1,000 routes, in process.
import ArgumentParser
import Config
import Contracts
import Directory
import Foundation

struct RoutingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing", abstract: "CPU time of routing one alert to its deliveries, with 10,000 users and 1,000 routes.")

    @Option(help: "Users in the tenant.")
    var users: Int = 10_000

    @Option(help: "Routes in the tenant (the matching one is the last, so every alert scans them all).")
    var routes: Int = 1_000

    @Option(help: "Users holding the routed role (the recipients of each alert).")
    var recipients: Int = 100

    @Option(help: "Alerts to route.")
    var alerts: Int = 20_000

    func run() throws {
        let yaml = RoutingBench.configuration(users: users, routes: routes, recipients: recipients)
        let loadStart = Date()
        let config = try ConfigLoader.parse(yaml: yaml)
        let tenant = try require(config.tenant(id: "big"))
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let indexStart = Date()
        let directory = TenantDirectory(tenant: tenant, config: config, environment: ["SMTP_URL": "smtp://127.0.0.1:25"])
        let indexSeconds = Date().timeIntervalSince(indexStart)

        let now = Date()
        var deliveries = 0
        // Warm up, then measure the thread's CPU time (not wall time: the machine is shared).
        for index in 0..<100 { deliveries += RoutingPlanner.plan(alert: alert(index, now), tenant: directory, now: now).deliveries.count }
        deliveries = 0
        let cpuStart = threadCPUNanos()
        for index in 0..<alerts { deliveries += RoutingPlanner.plan(alert: alert(index, now), tenant: directory, now: now).deliveries.count }
        let cpu = Double(threadCPUNanos() - cpuStart) / 1e9
        print("| routing, \(users) users, \(routes) routes | value |")
        print("|---|--:|")
        print(String(format: "| configuration parse + validation | %.2f s |", loadSeconds))
        print(String(format: "| directory indexes (once per load) | %.1f ms |", indexSeconds * 1000))
        print("| deliveries per alert | \(deliveries / max(alerts, 1)) |")
        print(String(format: "| CPU per routed alert | %.1f µs |", cpu / Double(alerts) * 1e6))
    }

    private func alert(_ index: Int, _ now: Date) -> Alert {
        Alert(id: "a\(index)", tenant: "big", dedupKey: "k\(index)", severity: .critical, summary: "Alert \(index)",
              category: "target", type: "t\(routes - 1)", service: "svc-\(index % 50)", createdAt: now)
    }

    static func configuration(users: Int, routes: Int, recipients: Int) -> String {
        var yaml = "broker:\n  url: mqtt://127.0.0.1:1883\nchannels:\n  email:\n    smtp_url_env: SMTP_URL\n    from: alerts@big.example.test\ntenants:\n  - id: big\n    users:\n"
        for index in 0..<users {
            let role = index < recipients ? "oncall" : "staff\(index % 20)"
            yaml += "      - {id: u\(index), roles: [\(role), admin], email: u\(index)@big.example.test, phone: \"+1555\(String(format: "%07d", index))\", channels: [email, sms], channel_mode: all}\n"
        }
        yaml += "    services:\n"
        for index in 0..<50 { yaml += "      - {id: svc-\(index), owners: [u\(index)], notification_channels: []}\n" }
        yaml += "    routes:\n"
        for index in 0..<routes {
            // Only the last route matches the benchmark's alerts.
            let category = index == routes - 1 ? "target" : "other\(index)"
            yaml += "      - {id: r\(index), match: {category: \(category), type: t\(index)}, target_roles: [oncall], channels: [email], priority: high}\n"
        }
        return yaml
    }
}

private func threadCPUNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw BenchError(code: .service, message: "the generated configuration has no tenant \"big\"") }
    return value
}
