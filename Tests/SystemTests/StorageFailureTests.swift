// Disk full: ingest refuses to acknowledge what it cannot store, says so on /healthz, and catches up when space returns.
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct StorageFailureTests {
    @Test(.timeLimit(.minutes(4)), .enabled(if: TinyFilesystem.isAvailable, "needs to mount a tmpfs (root with CAP_SYS_ADMIN)"))
    func aFullDiskStopsAcknowledgementsAndNothingIsLost() async throws {
        let started = Date()
        let disk = try TinyFilesystem(megabytes: 4)
        defer { disk.unmount() }
        let pipeline = try await ProcessPipeline("disk-full", dataDirectories: ["ingest": disk.path])
        defer { try? FileManager.default.removeItem(at: pipeline.directory) }
        try await pipeline.start()
        let ingest = pipeline["ingest"]
        let publisher = try SteadyPublisher(broker: pipeline.broker)
        try await publisher.client.waitUntilConnected(timeout: 10)
        var published = 0
        func publish(_ count: Int) {
            for _ in 0..<count {
                publisher.publish("alerting/in/acme/plc", Data(SystemHarness.alert(published).utf8))
                published += 1
            }
        }
        publish(50)
        try await pipeline.waitForDistinctAlerts(50, timeout: 60)
        #expect(await HTTPProbe.get(ingest.healthURL).status == 200)

        let filled = try disk.fill()
        // SQLite reuses the WAL's pages it already has, so the first commits may still fit: publish until one cannot.
        var unhealthy: (status: Int, body: String)?
        while published < 20_000 {
            publish(200)
            try await Task.sleep(nanoseconds: 200_000_000)
            let health = await HTTPProbe.get(ingest.healthURL)
            if health.status == 503 { unhealthy = health; break }
        }
        let failedAt = published
        let deliveredWhileFull = Set(pipeline.hookRequests.compactMap(SystemHarness.dedupKey)).count
        // More while the disk stays full: the broker must hold them all for ingest's session.
        publish(500)
        try await publisher.flush(timeout: 60)
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let stillUnhealthy = await HTTPProbe.get(ingest.healthURL)
        let storeFailures = FuzzTests.sum(await HTTPProbe.get(ingest.metricsURL).body, "alerting_store_failures_total")
        let deliveredWhileStillFull = Set(pipeline.hookRequests.compactMap(SystemHarness.dedupKey)).count
        try await Task.sleep(nanoseconds: 1_500_000_000)
        let deliveredLater = Set(pipeline.hookRequests.compactMap(SystemHarness.dedupKey)).count

        try disk.free()
        let freedAt = Date()
        try await pipeline.waitForDistinctAlerts(published, timeout: 120)
        let caughtUp = Date().timeIntervalSince(freedAt)
        var healthAfter = await HTTPProbe.get(ingest.healthURL)
        let deadline = Date().addingTimeInterval(20)
        while healthAfter.status != 200, Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
            healthAfter = await HTTPProbe.get(ingest.healthURL)
        }
        try await Task.sleep(nanoseconds: 1_000_000_000)
        await pipeline.stop()
        publisher.stop()
        let integrity = try pipeline.integrityReports()
        print("""
            disk-full: 4 MiB tmpfs, filler \(filled) bytes; unhealthy after \(failedAt) alerts (\(unhealthy?.body ?? "never"));
            delivered while full \(deliveredWhileFull) → \(deliveredWhileStillFull) → \(deliveredLater) of \(published); store failures \(storeFailures ?? -1);
            all \(published) delivered \(String(format: "%.1f", caughtUp))s after the space came back; total \(String(format: "%.1f", Date().timeIntervalSince(started)))s
            """)

        #expect(unhealthy != nil, "/healthz turned 503 once the store could not commit")
        #expect(unhealthy?.body.contains("failing") == true)
        #expect(stillUnhealthy.status == 503, "still unhealthy while the disk is full")
        #expect((storeFailures ?? 0) > 0, "failed commits are counted")
        // The background checkpoint may move the WAL into the database file and let SQLite reuse the WAL's pages,
        // so a few commits can still fit while the disk is full; those alerts were stored and may be delivered.
        // What may not happen is the bulk of what was published into the full disk getting through.
        #expect(deliveredLater - deliveredWhileFull < 100 && deliveredLater < published, "(almost) nothing gets through while the disk is full")
        #expect(pipeline.hookRequests.count == published, "every alert delivered once after the space came back")
        #expect(Set(pipeline.hookRequests.compactMap(SystemHarness.dedupKey)).count == published)
        #expect(healthAfter.status == 200, "healthy again: \(healthAfter.body)")
        for (service, report) in integrity { #expect(report == ["ok"], "\(service): \(report)") }
    }
}
