// The webhook-gateway executable: delivers dispatches to Teams, Google Chat, Discord and generic JSON webhooks.
import ArgumentParser
import ServiceKit
import WebhookGateway

@main
struct WebhookGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook-gateway",
        abstract: "Delivers webhook dispatches (generic JSON signed per Standard Webhooks, Teams, Google Chat, Discord) and publishes receipts.")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await WebhookGatewayService.run(WebhookGatewayService.makeRuntime(options: options))
    }
}
