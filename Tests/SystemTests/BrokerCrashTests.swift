// A broker crash loses nothing a service committed: the broker persists by snapshot (autosave_interval 10, as in
// broker/), so a kill -9 forgets what it acknowledged since the last one; every service keeps what it published for
// the replay window and publishes it again when its connection comes back.
import Contracts
import Foundation
import GRDB
import Testing
import TestSupport

@Suite(.serialized) struct BrokerCrashTests {
    /// Alerts committed by ingest, the broker killed and restarted on its last snapshot: each reaches the receiver
    /// exactly once.
    enum Moment: String, CaseIterable, Sendable { case backlog, flow, routerRestarting }

    /// `backlog`: the router stopped (SIGSTOP), so the broker holds a backlog for it when it dies, the case that lost
    /// most without the replay; `flow`: the kill lands on a steady flow; `routerRestarting`: the router killed too and
    /// started again only after the broker.
    @Test(.timeLimit(.minutes(4)), arguments: Moment.allCases)
    func everyAlertIngestCommittedArrivesOnceAfterABrokerKill(moment: Moment) async throws {
        try await alertsArriveOnce(moment)
    }

    private func alertsArriveOnce(_ moment: Moment) async throws {
        let routerPaused = moment == .backlog
        let count = 2_000
        // The snapshot interval of broker/mosquitto.dev.conf and .prod.conf.
        let broker = try MosquittoBroker(extraConfig: ["autosave_interval 10", "autosave_on_changes false"], name: "crash-broker")
        let pipeline = try await ProcessPipeline("broker-crash-\(moment.rawValue)", broker: broker, logLevel: "notice")
        try await pipeline.start()
        let ingest = pipeline["ingest"], router = pipeline["router"]
        let publisher = try SteadyPublisher(broker: broker)
        try await publisher.client.waitUntilConnected(timeout: 10)
        if routerPaused { router.signal(SIGSTOP) }
        for index in 0..<count { publisher.publish("alerting/in/acme/plc", Data(SystemHarness.alert(index).utf8)) }
        try await publisher.flush(timeout: 60)
        // Ingest has committed every alert (and published its events on its own connection).
        func stored() -> Int {
            (try? DatabaseQueue(path: ingest.databasePath).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM alerts") ?? 0 }) ?? 0
        }
        let deadline = Date().addingTimeInterval(60)
        while stored() < count, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(stored() == count, "ingest committed every alert")
        let deliveredBeforeKill = Set(pipeline.hookRequests.compactMap(SystemHarness.dedupKey)).count

        // Killing and starting processes blocks: on threads of their own, not the concurrency pool's few.
        if moment == .routerRestarting { try await offThePool { router.kill() } }
        try await offThePool { try broker.crashAndRestart() }
        if routerPaused { router.signal(SIGCONT) }
        if moment == .routerRestarting { try await pipeline.start(router) }
        try await pipeline.waitForDistinctAlerts(count, timeout: 120)
        // A barrier: an alert after the 2,000 arrives after any repeat of them would have.
        publisher.publish("alerting/in/acme/plc", Data(SystemHarness.alert(count).utf8))
        try await publisher.flush(timeout: 30)
        try await pipeline.waitForDistinctAlerts(count + 1, timeout: 60)
        let ids = pipeline.hookRequests.compactMap { $0.header("webhook-id") }
        let replayed = FuzzTests.sum(await HTTPProbe.get(ingest.metricsURL).body, "alerting_messages_replayed_total") ?? 0
        let repeated = FuzzTests.sum(await HTTPProbe.get(router.metricsURL).body, "alerting_messages_repeated_total") ?? 0
        print("broker crash (\(moment.rawValue)): \(deliveredBeforeKill) of \(count) delivered before the kill; "
              + "ingest published again \(Int(replayed)), the router dropped \(Int(repeated)) as seen; \(ids.count) webhook posts")
        #expect(ids.count == count + 1 && Set(ids).count == count + 1, "each alert's webhook once: \(ids.count) posts, \(Set(ids).count) distinct")
        #expect(replayed > 0, "ingest published its window again after the broker came back")
        await pipeline.stop()
        publisher.stop()
        for (service, report) in try pipeline.integrityReports() { #expect(report == ["ok"], "\(service): \(report)") }
    }

    /// The escalator's timers across a broker crash: the first step fires, the broker is killed and restarted before
    /// the second is due, and each step still reaches its consumer exactly once (repeats carry the same id).
    @Test(.timeLimit(.minutes(2)))
    func escalationStepsFireOnceAcrossABrokerKill() async throws {
        let directory = temporaryDirectory("broker-crash-escalator")
        let broker = try MosquittoBroker(extraConfig: ["autosave_interval 10", "autosave_on_changes false"], name: "crash-broker")
        let config = try TestConfig.write(fastPolicy(second: "4s", third: "30s"), in: directory)
        let process = try await EscalatorProcess(broker: broker, config: config, directory: directory, logLevel: "notice")
        let recorder = process.recorder
        func steps() -> [Envelope<EscalationStepTaken>] { process.steps() }
        let created = try process.trigger()
        try await recorder.wait(timeout: 10, "the first step") { _ in steps().count >= 1 }
        // Between the steps (1 s and 4 s), before the broker's first snapshot: it comes back without any session.
        try await offThePool { try broker.crashAndRestart() }
        #expect(Date() < created.addingTimeInterval(4), "the broker was back before the second step was due")
        try await recorder.wait(timeout: 20, "the second step") { _ in Set(steps().map(\.id)).count >= 2 }
        // A doubled step would follow right after.
        try await Task.sleep(nanoseconds: 1_500_000_000)
        var seen = Set<String>()
        let distinct = steps().filter { seen.insert($0.id).inserted }
        #expect(distinct.map(\.data.cause.step) == [1, 2], "each step exactly once; the third (30 s) is still pending")
        try await offThePool { process.stop() }
        broker.stop()
    }
}
