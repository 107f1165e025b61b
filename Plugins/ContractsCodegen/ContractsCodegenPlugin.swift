// Generates a module's JSON types at build time (never committed): the bus messages of `Contracts` from
// docs/asyncapi.yaml, a service's own (stored rows, HTTP bodies) from its `JSONTypes.yaml`. See docs/contracts.md.
import Foundation
import PackagePlugin

@main
struct ContractsCodegenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let isContracts = target.name == "Contracts"
        let description = isContracts
            ? context.package.directoryURL.appending(path: "docs/asyncapi.yaml")
            : URL(fileURLWithPath: "\(target.directory)").appending(path: "JSONTypes.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "\(target.name)JSONTypes.swift")
        return [
            .buildCommand(displayName: "Generating \(target.name)'s JSON types from \(description.lastPathComponent)",
                          executable: try context.tool(named: "ContractsCodegenTool").url,
                          arguments: [description.path(percentEncoded: false), output.path(percentEncoded: false)]
                              + (isContracts ? [] : ["Contracts"]),
                          inputFiles: [description], outputFiles: [output]),
        ]
    }
}
