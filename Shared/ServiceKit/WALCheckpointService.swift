// The store's background WAL checkpoints as a lifecycle service: its thread runs from start to shutdown.
import Logging
import ServiceLifecycle
import Store

/// Listed before the MQTT loop, so it stops after the loop's last commit.
struct WALCheckpointService: Service {
    let store: Store
    let logger: Logger

    func run() async throws {
        try store.checkpointInBackground(logger: logger)
        try? await gracefulShutdown()
        // Waits for the checkpoint in hand to end.
        let store = self.store
        await blockingWait { store.stopCheckpointing() }
    }
}
