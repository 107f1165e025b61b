// The router executable: turns alerts into dispatches per channel and keeps the dispatch audit log.
import ArgumentParser
import Router
import ServiceKit

@main
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Turns lifecycle events into dispatches per channel and keeps the dispatch audit log.")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await RouterService.run(RouterService.makeRuntime(options: options))
    }
}
