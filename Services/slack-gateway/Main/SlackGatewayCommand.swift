// The slack-gateway executable: `serve` (the default) posts and edits Slack messages and answers button presses;
// `dead-letters` lists what was dropped.
import ArgumentParser
import ServiceKit
import SlackGateway

@main
struct SlackGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slack-gateway",
        abstract: "Posts alerts to Slack with Acknowledge/Resolve buttons, edits them in place, answers signed button presses, and publishes receipts.",
        subcommands: [Serve.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Slack gateway (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await SlackGatewayService.run(SlackGatewayService.makeRuntime(options: options))
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: SlackGatewayService.name) }
}
