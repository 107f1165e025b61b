// Runs a service inside the test process over a real broker and a real SQLite file, and stops it gracefully.
import Foundation
import ServiceKit

public final class InProcessService: @unchecked Sendable {
    public let runtime: ServiceRuntime
    private let task: Task<Void, Error>

    /// - Parameter run: the service's own run function, e.g. `{ try await IngestService.run($0, installSignalHandlers: false) }`.
    public init(runtime: ServiceRuntime, run: @escaping @Sendable (ServiceRuntime) async throws -> Void) {
        self.runtime = runtime
        task = Task { try await run(runtime) }
    }

    public func waitUntilConnected(timeout: Double = 10) async throws {
        try await runtime.client.waitUntilConnected(timeout: timeout)
    }

    public func stop() async {
        await runtime.shutdown()
        _ = await task.result
    }

    /// The common flags for a service under test: its own data dir, the test broker, an ephemeral HTTP port.
    public static func options(config: URL, dataDir: URL, broker: MosquittoBroker, clientID: String? = nil,
                               extra: [String] = []) throws -> ServiceOptions {
        var arguments = ["--config", config.path, "--data-dir", dataDir.path, "--broker", broker.url, "--http", "127.0.0.1:0",
                         "--log-level", "warning"]
        if let clientID { arguments += ["--client-id", clientID] }
        return try ServiceOptions.parse(arguments + extra)
    }
}
