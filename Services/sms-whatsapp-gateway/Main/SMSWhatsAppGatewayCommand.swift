// The sms-whatsapp-gateway executable: `serve` (the default) delivers SMS and WhatsApp dispatches through Twilio and
// takes its status callbacks and replies; `test-send` sends one test message now; `dead-letters` lists what was dropped.
import ArgumentParser
import Config
import GatewayKit
import ServiceKit
import SMSWhatsAppGateway

@main
struct SMSWhatsAppGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sms-whatsapp-gateway",
        abstract: "Delivers SMS and WhatsApp dispatches through Twilio (templates outside the 24 h window, SMS fallback), turns status callbacks into receipts and replies into acknowledgements.",
        subcommands: [Serve.self, TestSend.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the SMS and WhatsApp gateway (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await SMSWhatsAppGatewayService.run(SMSWhatsAppGatewayService.makeRuntime(options: options))
    }
}

struct TestSend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-send",
        abstract: "Send a test SMS or WhatsApp message to one number now with a tenant's Twilio account, print the outcome and publish it as a receipt on alerting/receipts/{tenant}.")

    @OptionGroup var options: ServiceOptions
    @Option(help: "The tenant whose Twilio account and sender to use.") var tenant: String
    @Option(help: "The recipient, E.164 (+15551230001).") var to: String
    @Option(help: "The channel (whatsapp outside the 24 h window: the configured template).") var channel: TestChannel = .sms
    @Flag(help: "Print the outcome only; publish no receipt.") var noReceipt = false

    enum TestChannel: String, CaseIterable, ExpressibleByArgument {
        case sms, whatsapp
    }

    func run() throws {
        let config = try ConfigStore(path: options.config, logger: .init(label: "alerting.sms-whatsapp-gateway.test-send")).current
        let dispatch = TwilioTestMessage.dispatch(tenant: tenant, to: to, channel: channel.rawValue)
        let receipt = GatewayTestSend.attempt(TwilioProvider(), dispatch: dispatch, tenant: tenant, config: config)
        print([receipt.status.rawValue, receipt.httpStatus.map { "HTTP \($0)" } ?? "-", receipt.providerRef ?? "-", receipt.error ?? "-",
               receipt.dispatchId].joined(separator: "\t"))
        if !noReceipt {
            try GatewayTestSend.publish(receipt, tenant: tenant, service: SMSWhatsAppGatewayService.name, options: options, config: config)
        }
        if receipt.status == .failed { throw ExitCode(1) }
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: SMSWhatsAppGatewayService.name) }
}
