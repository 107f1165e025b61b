// The webhook-gateway executable: `serve` (the default) delivers dispatches to Teams, Google Chat, Discord and generic
// JSON webhooks and ntfy push; `test-send` sends a test message to one webhook; `dead-letters` lists what was dropped.
import ArgumentParser
import Config
import Contracts
import Foundation
import GatewayKit
import ServiceKit
import WebhookGateway

@main
struct WebhookGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook-gateway",
        abstract: "Delivers webhook dispatches (generic JSON signed per Standard Webhooks, Teams, Google Chat, Discord) and ntfy push, and publishes receipts.",
        subcommands: [Serve.self, TestSend.self, DeadLetters.self],
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

struct TestSend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-send",
        abstract: "Send a test message to one webhook now, print the outcome and publish it as a receipt on alerting/receipts/{tenant}.")

    @OptionGroup var options: ServiceOptions
    @Option(help: "The tenant of the service.") var tenant: String
    @Option(help: "The service whose webhook to test.") var service: String
    @Option(help: "The webhook's id.") var webhook: String
    @Flag(help: "Print the outcome only; publish no receipt.") var noReceipt = false

    func run() throws {
        let config = try ConfigStore(path: options.config, logger: .init(label: "alerting.webhook-gateway.test-send")).current
        let dispatch = TestSendDispatch.make(tenant: tenant, service: service, webhook: webhook)
        let receipt = GatewayTestSend.attempt(WebhookProvider(), dispatch: dispatch, tenant: tenant, config: config)
        print([receipt.status.rawValue, receipt.httpStatus.map { "HTTP \($0)" } ?? "-", receipt.error ?? "-", receipt.dispatchId]
            .joined(separator: "\t"))
        if !noReceipt {
            try GatewayTestSend.publish(receipt, tenant: tenant, service: WebhookGatewayService.name, options: options, config: config)
        }
        if receipt.status == .failed { throw ExitCode(1) }
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: WebhookGatewayService.name) }
}
