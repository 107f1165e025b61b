// The router executable: `serve` (the default) runs the service; `rules` exports, imports and previews routes;
// `dead-letters` lists what was dropped.
import ArgumentParser
import Config
import Foundation
import Router
import ServiceKit

@main
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Turns lifecycle events into dispatches per channel and keeps the dispatch audit log.",
        subcommands: [Serve.self, Rules.self, DeadLetters.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the router service (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        ServiceOptions.bootstrapLogging(level: options.level)
        try await RouterService.run(RouterService.makeRuntime(options: options))
    }
}

struct DeadLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: DeadLetterListing.abstract)
    @OptionGroup var listing: DeadLetterListing
    func run() throws { try listing.run(service: RouterService.name) }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export, import and preview a tenant's routing rules.",
        subcommands: [Export.self, Import.self, Preview.self])

    struct Common: ParsableArguments {
        @Option(name: .long, help: "The alerting configuration file (YAML).")
        var config: String = "config/alerting.example.yaml"

        @Option(name: .long, help: "The tenant whose routes to read or replace.")
        var tenant: String

        func load() throws -> (AlertingConfig, Tenant) {
            let loaded: AlertingConfig
            do { loaded = try ConfigLoader.load(path: config) } catch { throw RulesFailure(error.description) }
            guard let found = loaded.tenant(id: tenant) else { throw RulesFailure("no tenant \"\(tenant)\" in \(config)") }
            return (loaded, found)
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the tenant's routes as JSON or YAML.")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The file format.")
        var format: RouteRules.Format = .yaml

        func run() throws {
            let (_, tenant) = try common.load()
            print(try RouteRules.export(tenant.routes, format: format), terminator: "")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a routes file (all or nothing) and print the merged routes, or write them into the configuration.")
        @Argument(help: "The routes file: YAML (routes: …) or JSON ({\"routes\": […]}), as export writes it.")
        var file: String
        @OptionGroup var common: Common
        @Flag(name: .long, help: "Replace the tenant's routes in the configuration file instead of printing them.")
        var write = false

        func run() throws {
            let (config, _) = try common.load()
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw RulesFailure("cannot read \(file)") }
            let merged: AlertingConfig
            do {
                merged = try RouteRules.importRoutes(text, into: config, tenant: common.tenant)
            } catch let errors as ConfigErrors {
                throw RulesFailure("\(file) rejected, nothing imported:\n" + errors.errors.map { "  \($0)" }.joined(separator: "\n"))
            }
            let routes = merged.tenant(id: common.tenant)?.routes ?? []
            guard write else {
                print(RouteRules.yaml(routes), terminator: "")
                return
            }
            let original = try String(contentsOfFile: common.config, encoding: .utf8)
            let updated = try RouteRules.replacingRoutes(in: original, tenant: common.tenant, with: routes)
            // The written file must load and hold exactly the imported routes, or nothing is written.
            do {
                let check = try ConfigLoader.parse(yaml: updated)
                guard check.tenant(id: common.tenant)?.routes == routes else { throw RulesFailure("the rewritten file does not read back the same routes") }
            } catch let errors as ConfigErrors {
                throw RulesFailure("the rewritten configuration does not load, nothing written:\n\(errors)")
            }
            try updated.write(toFile: common.config, atomically: true, encoding: .utf8)
            print("wrote \(routes.count) routes of tenant \(common.tenant) to \(common.config)")
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say in plain English what each of the tenant's rules does.")
        @OptionGroup var common: Common

        func run() throws {
            let (_, tenant) = try common.load()
            for route in tenant.routes { print("\(route.id): \(RulePreview.sentence(for: route, in: tenant))") }
        }
    }
}

/// Why a rules command refused (printed by ArgumentParser, exit status 1).
struct RulesFailure: Error, CustomStringConvertible {
    let code: String
    let message: String
    init(_ message: String, code: String = "rules_rejected") { self.code = code; self.message = message }
    var description: String { message }
}

extension RouteRules.Format: ExpressibleByArgument {}
