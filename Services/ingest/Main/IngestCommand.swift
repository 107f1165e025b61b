// The ingest executable: intake, validation, dedup and the alert lifecycle.
import ArgumentParser
import Ingest
import ServiceKit

@main
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Takes alerts from MQTT (native, PagerDuty v2, Alertmanager shapes), dedups them and owns their lifecycle.")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await IngestService.run(options: options)
    }
}
