// The webhook-gateway executable: `serve` (the default) delivers dispatches to Teams, Google Chat, Discord and generic
// JSON webhooks; `dead-letters` lists what was dropped.
import ArgumentParser
import ServiceKit
import WebhookGateway

@main
struct WebhookGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook-gateway",
        abstract: "Delivers webhook dispatches (generic JSON signed per Standard Webhooks, Teams, Google Chat, Discord) and publishes receipts.",
        subcommands: [Serve.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the webhook gateway (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await WebhookGatewayService.run(WebhookGatewayService.makeRuntime(options: options))
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: WebhookGatewayService.name) }
}
