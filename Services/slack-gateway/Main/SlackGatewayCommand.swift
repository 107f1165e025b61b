// The slack-gateway executable: `serve` (the default) posts and edits Slack messages and answers button presses;
// `test-send` posts a test message now; `dead-letters` lists what was dropped.
import ArgumentParser
import Config
import GatewayKit
import ServiceKit
import SlackGateway

@main
struct SlackGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slack-gateway",
        abstract: "Posts alerts to Slack with Acknowledge/Resolve buttons, edits them in place, answers signed button presses, and publishes receipts.",
        subcommands: [Serve.self, TestSend.self, DeadLetters.self],
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

struct TestSend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-send",
        abstract: "Post a test message to one Slack channel or user now, print the outcome and publish it as a receipt on alerting/receipts/{tenant}.")

    @OptionGroup var options: ServiceOptions
    @Option(help: "The tenant whose Slack app to use.") var tenant: String
    @Option(help: "A channel (#name or id) to post to.") var channel: String?
    @Option(help: "A Slack user id (U…) to message directly.") var user: String?
    @Flag(help: "Print the outcome only; publish no receipt.") var noReceipt = false

    func validate() throws {
        guard (channel == nil) != (user == nil) else { throw ValidationError("give either --channel or --user") }
    }

    func run() throws {
        let config = try ConfigStore(path: options.config, logger: .init(label: "alerting.slack-gateway.test-send")).current
        let dispatch = SlackTestSend.dispatch(tenant: tenant, address: channel ?? user ?? "", toUser: user != nil)
        let receipt = GatewayTestSend.attempt(try SlackTestSend.provider(), dispatch: dispatch, tenant: tenant, config: config)
        print([receipt.status.rawValue, receipt.providerRef ?? "-", receipt.error ?? "-", receipt.dispatchId].joined(separator: "\t"))
        if !noReceipt {
            try GatewayTestSend.publish(receipt, tenant: tenant, service: SlackGatewayService.name, options: options, config: config)
        }
        if receipt.status == .failed { throw ExitCode(1) }
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: SlackGatewayService.name) }
}
