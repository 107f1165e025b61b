// ContractsCodegenTool <schema.yaml> <output.swift> [module to import...]: the Swift of the schema's `x-swift-type`s.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: ContractsCodegenTool <schema.yaml> <output.swift> [import...]\n".utf8))
    exit(64)
}
do {
    let input = URL(fileURLWithPath: arguments[1])
    let schema = try ContractSchema(yaml: try String(contentsOf: input, encoding: .utf8))
    let swift = try SwiftEmitter(schema, source: input.lastPathComponent, imports: Array(arguments.dropFirst(3))).text
    let output = URL(fileURLWithPath: arguments[2])
    // Unchanged output keeps its modification time, so nothing that depends on it is compiled again.
    if (try? String(contentsOf: output, encoding: .utf8)) != swift {
        try swift.write(to: output, atomically: true, encoding: .utf8)
    }
} catch {
    FileHandle.standardError.write(Data("\(arguments[1]): error: \(error)\n".utf8))
    exit(1)
}
