// The escalator executable: `serve` (the default) runs every escalation timer, durable across restarts; `dead-letters`
// lists what was dropped.
import ArgumentParser
import Config
import Escalator
import ServiceKit

@main
struct EscalatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalator",
        abstract: "Owns every escalation timer: policy steps, role and top escalation, deadline thresholds, manual escalation.",
        subcommands: [Serve.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the escalator service (the default).")

    @OptionGroup var options: ServiceOptions

    @Option(name: .customLong("expire-after"), help: "An open alert this old with nobody left to escalate to expires (e.g. 7d).")
    var expireAfter = ConfigDuration(seconds: EscalationRules.defaultHorizon)

    func validate() throws {
        guard expireAfter.seconds > 0 else { throw ValidationError("--expire-after must be a duration > 0 like 12h or 7d") }
    }

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await EscalatorService.run(options: options, horizon: expireAfter.seconds)
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: EscalatorService.name) }
}

extension ConfigDuration: ExpressibleByArgument {
    /// `30s`, `15m`, `12h`, `7d`.
    public init?(argument: String) { self.init(parsing: argument) }
}
