// Everything the systems under test share: where things are, the ledger, the receiver.
import Foundation

struct BenchSetup: Sendable {
    /// A fresh temp directory for this run (brokers, SQLite files, logs, generated configs).
    let directory: URL
    let brokerConfig: URL
    let mosquitto: String
    /// Where the release build of the services lives.
    let binDir: URL
    let alertmanager: String
    let alertmanagerGroupInterval: String
    let ledger: DeliveryLedger
    let receiverURL: String
    /// Service executables to start, in order; see `PipelineSystem.defaultServices`.
    let services: [ServiceSpec]
}

/// One service of ours. `optional`: skipped (with a note) when its executable is missing or exits at once,
/// so services still being written plug in by just appearing in the bin directory.
struct ServiceSpec: Sendable {
    let name: String
    let optional: Bool
}
