// The `bench` executable: the three-way system benchmark, and the sub-benchmarks other services expose.
import ArgumentParser
import Foundation

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks the alerting system against the raw broker and Prometheus Alertmanager (run it through scripts/bench).",
        subcommands: [SystemBench.self, RoutingBench.self, EscalatorBench.self],
        defaultSubcommand: SystemBench.self)
}
