// The email-gateway executable: `serve` (the default) delivers e-mail dispatches over SMTP; `test-send` sends one test
// mail now; `dead-letters` lists what was dropped.
import ArgumentParser
import Config
import EmailGateway
import GatewayKit
import ServiceKit

@main
struct EmailGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "email-gateway",
        abstract: "Delivers e-mail dispatches over SMTP (STARTTLS or smtps://), threads updates under the first mail, reports bounces.",
        subcommands: [Serve.self, TestSend.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the e-mail gateway (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await EmailGatewayService.run(EmailGatewayService.makeRuntime(options: options))
    }
}

struct TestSend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-send",
        abstract: "Send a test mail to one address now through a tenant's mail server, print the outcome and publish it as a receipt on alerting/receipts/{tenant}.")

    @OptionGroup var options: ServiceOptions
    @Option(help: "The tenant whose mail server and sender to use.") var tenant: String
    @Option(help: "The recipient's e-mail address.") var to: String
    @Flag(help: "Print the outcome only; publish no receipt.") var noReceipt = false

    func run() throws {
        let config = try ConfigStore(path: options.config, logger: .init(label: "alerting.email-gateway.test-send")).current
        let dispatch = EmailTestMessage.dispatch(tenant: tenant, to: to)
        let receipt = GatewayTestSend.attempt(SMTPProvider(), dispatch: dispatch, tenant: tenant, config: config)
        print([receipt.status.rawValue, receipt.providerRef ?? "-", receipt.error ?? "-", receipt.dispatchId].joined(separator: "\t"))
        if !noReceipt {
            try GatewayTestSend.publish(receipt, tenant: tenant, service: EmailGatewayService.name, options: options, config: config)
        }
        if receipt.status != .sent { throw ExitCode(1) }
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: EmailGatewayService.name) }
}
