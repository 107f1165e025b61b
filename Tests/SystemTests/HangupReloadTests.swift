// SIGHUP reloads a running service's configuration: the signal goes to a service in a child process, never to the
// test process.
import Foundation
import Harness
import Testing
import TestSupport

@Test(.timeLimit(.minutes(2)))
func aHangupReloadsTheConfigurationOfARunningService() async throws {
    let directory = temporaryDirectory("hangup")
    defer { try? FileManager.default.removeItem(at: directory) }
    let broker = try await offThePool { try MosquittoBroker() }
    defer { broker.stop() }
    let yaml = TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9")
    let config = try TestConfig.write(yaml, in: directory)
    let ingest = try ServiceProcess(name: "ingest", arguments: ServiceProcess.commonArguments(
        config: config, dataDir: directory, broker: broker.url, logLevel: "debug"), logFile: directory.appendingPathComponent("ingest.log"))
    try ingest.start()
    defer { ingest.terminate() }
    #expect(await eventually(timeout: 30) { ingest.log.contains("SIGHUP reloads the configuration") })

    // Renamed tenant: a reload that applies. The file watcher's poll could apply it too; only the hangup logs that it
    // was heard, and a SIGHUP whose default action had not been switched off would have ended the process.
    _ = try TestConfig.write(yaml.replacingOccurrences(of: "name: Acme", with: "name: Acme Renamed"), in: directory)
    ingest.signal(SIGHUP)
    #expect(await eventually(timeout: 30) { ingest.log.contains("SIGHUP received; reloading the configuration") })
    #expect(await eventually(timeout: 30) { ingest.log.contains("configuration reloaded") })
    #expect(ingest.isRunning)
}
