// Generates a module's JSON types at build time (never committed): the bus messages of `Contracts` from
// docs/asyncapi.yaml, a service's own (stored rows, HTTP bodies) from the `JSONTypes.yaml` among its sources.
// See docs/contracts.md.
import Foundation
import PackagePlugin

@main
struct ContractsCodegenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let isContracts = target.name == "Contracts"
        let description: URL
        if isContracts {
            description = context.package.directoryURL.appending(path: "docs/asyncapi.yaml")
        } else if let file = target.sourceModule?.sourceFiles.first(where: { $0.url.lastPathComponent == "JSONTypes.yaml" }) {
            description = file.url
        } else {
            Diagnostics.error("\(target.name) uses ContractsCodegen but has no JSONTypes.yaml")
            return []
        }
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
