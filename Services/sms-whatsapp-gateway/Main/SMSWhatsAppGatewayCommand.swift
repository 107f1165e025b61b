// The sms-whatsapp-gateway executable: `serve` (the default) delivers SMS and WhatsApp dispatches through Twilio and
// takes its status callbacks and replies; `dead-letters` lists what was dropped.
import ArgumentParser
import ServiceKit
import SMSWhatsAppGateway

@main
struct SMSWhatsAppGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sms-whatsapp-gateway",
        abstract: "Delivers SMS and WhatsApp dispatches through Twilio (templates outside the 24 h window, SMS fallback), turns status callbacks into receipts and replies into acknowledgements.",
        subcommands: [Serve.self, DeadLetters.self],
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

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: SMSWhatsAppGatewayService.name) }
}
