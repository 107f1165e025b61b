// The integration-health-notifier executable: `serve` (the default) runs the service; `dead-letters` lists what was dropped.
import ArgumentParser
import IntegrationHealth
import ServiceKit

@main
struct IntegrationHealthNotifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integration-health-notifier",
        abstract: "Turns integration health events into notifications to the tenant's admins, by their preferences.",
        subcommands: [Serve.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the integration-health-notifier service (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await IntegrationHealthService.run(IntegrationHealthService.makeRuntime(options: options))
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: IntegrationHealthService.name) }
}
