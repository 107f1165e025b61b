// The ingest executable: `serve` (the default) runs intake, validation, dedup and the alert lifecycle; `dead-letters` lists what was dropped.
import ArgumentParser
import Ingest
import ServiceKit

@main
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Takes alerts from MQTT (native, PagerDuty v2, Alertmanager shapes), dedups them and owns their lifecycle.",
        subcommands: [Serve.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the ingest service (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await IngestService.run(options: options)
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: IngestService.name) }
}
