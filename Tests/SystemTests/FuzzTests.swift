// Bad input never hurts: generated garbage interleaved with good alerts; each refusal has a reason, no service falls over.
import Contracts
import Foundation
import Ingest
import MQTT
import Testing
import TestSupport

@Suite(.serialized) struct FuzzTests {
    /// 5,000 by default (CI); ALERTING_FUZZ_COUNT=100000 for the full run. ALERTING_FUZZ_SEED repeats a run.
    static var count: Int { ProcessInfo.processInfo.environment["ALERTING_FUZZ_COUNT"].flatMap(Int.init) ?? 5_000 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["ALERTING_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max) }
    static let maxPayloadBytes = 8192

    // The limit bounds the full run (100,000); the waits inside scale with the count.
    @Test(.timeLimit(.minutes(40)))
    func generatedGarbageIsRejectedWithAReasonAndGoodAlertsStillArrive() async throws {
        let seed = Self.seed
        let total = Self.count
        print("fuzz: seed \(seed) (ALERTING_FUZZ_SEED=\(seed) repeats this run), \(total) payloads")
        let started = Date()
        let pipeline = try await ProcessPipeline("fuzz")
        defer { try? FileManager.default.removeItem(at: pipeline.directory) }
        try await pipeline.start()
        let rejected = try BusRecorder(broker: pipeline.broker, topics: ["alerting/rejected/#"])
        let publisher = try SteadyPublisher(broker: pipeline.broker)
        try await publisher.client.waitUntilConnected(timeout: 10)

        var generator = FuzzPayloads(seed: seed, maxPayloadBytes: Self.maxPayloadBytes)
        var expected: [FuzzMessage.Outcome: Int] = [:]
        var families: [String: Int] = [:]
        var good = 0
        for index in 0..<total {
            // One good alert in ten, interleaved with the garbage.
            if index % 10 == 0 {
                publisher.publish("alerting/in/acme/fuzz-good", Data(generator.goodAlert("good-\(index)").utf8))
                good += 1
                continue
            }
            let message = generator.next(index)
            expected[message.outcome, default: 0] += 1
            families[message.family, default: 0] += 1
            publisher.publish(message.topic, message.payload)
            // Bounded in-flight: the broker's queue for ingest stays small and the test's memory too.
            if index % 1_000 == 999 { try await publisher.flush(timeout: 120) }
        }
        try await publisher.flush(timeout: 120)
        let publishedAfter = Date().timeIntervalSince(started)
        let patience = max(180, Double(total) / 50)
        let wantRejections = expected[.rejected, default: 0]
        let wantCounted = expected[.counted, default: 0]
        try await rejected.wait(timeout: patience, "rejections") { $0.count >= wantRejections }
        let rejectedAfter = Date().timeIntervalSince(started)
        try await pipeline.waitForDistinctAlerts(good, timeout: patience)
        // Anything extra (a second rejection, an alert made of garbage) would arrive right behind.
        try await Task.sleep(nanoseconds: 1_500_000_000)

        let metrics = await HTTPProbe.get(pipeline["ingest"].metricsURL).body
        let invalidTopic = Self.counter(metrics, #"alerting_ingest_rejected_total{reason="invalid_topic"}"#)
        let reasons = Dictionary(grouping: rejected.messages.compactMap(Self.reason), by: { $0 }).mapValues(\.count)
        var health: [String: Int] = [:]
        for service in pipeline.services { health[service.name] = await HTTPProbe.get(service.healthURL).status }
        let running = pipeline.services.filter(\.isRunning).map(\.name)
        print("""
            fuzz: seed \(seed); \(total) messages (\(good) good, \(wantRejections) to reject, \(wantCounted) without tenant, \
            \(expected[.refusedByClient, default: 0]) with wildcards) in \(String(format: "%.1f", Date().timeIntervalSince(started)))s \
            (published after \(String(format: "%.1f", publishedAfter))s, all rejected after \(String(format: "%.1f", rejectedAfter))s)
            families \(families.sorted { $0.key < $1.key })
            reasons \(reasons.sorted { $0.key < $1.key }); invalid_topic counter \(invalidTopic ?? -1); health \(health)
            """)

        #expect(rejected.messages.count == wantRejections, "exactly one rejection per bad message that reached ingest (seed \(seed))")
        #expect(rejected.messages.allSatisfy { Self.reason($0) != nil }, "every rejection names its reason")
        // ack topics with an empty tenant never reach the rejected topic; their count includes invalid ack topics answered above.
        let answeredInvalid = reasons["invalid_topic", default: 0]
        #expect(invalidTopic == Double(wantCounted + answeredInvalid), "messages without a tenant are counted (seed \(seed))")
        #expect(Set(pipeline.hookRequests.compactMap(SystemHarness.dedupKey)).count == good, "every good alert delivered")
        #expect(pipeline.hookRequests.compactMap(SystemHarness.dedupKey).allSatisfy { $0.hasPrefix("good-") }, "no garbage became an alert")
        #expect(running == ProcessPipeline.serviceNames, "no service crashed")
        #expect(health.values.allSatisfy { $0 == 200 }, "every /healthz ok: \(health)")
        publisher.stop()
        rejected.stop()
        await pipeline.stop()
    }

    /// Checked in-process, so the reason is the proof: garbage over the limit is `oversize`, never `malformed_json`.
    @Test(.timeLimit(.minutes(2)))
    func oversizePayloadsAreRefusedBeforeTheyAreParsed() async throws {
        let directory = temporaryDirectory("oversize")
        let broker = try MosquittoBroker()
        let config = try TestConfig.write(TestConfig.singleWebhook(receiverURL: "http://127.0.0.1:9"), in: directory)
        let ingest = InProcessService(runtime: try IngestService.makeRuntime(
            options: try InProcessService.options(config: config, dataDir: directory.appendingPathComponent("ingest"), broker: broker))) {
            try await IngestService.run($0, installSignalHandlers: false)
        }
        try await ingest.waitUntilConnected()
        let rejected = try BusRecorder(broker: broker, topics: ["alerting/rejected/#"])
        let publisher = try BusPublisher(broker: broker)
        let garbage = Data(repeating: UInt8(ascii: "x"), count: 60_000)
        let validButLarge = Data((#"{"summary":""# + String(repeating: "a", count: 60_000) + #"","severity":"critical"}"#).utf8)
        publisher.publish("alerting/in/acme/big", garbage)                         // 60 KB that is not JSON
        publisher.publish("alerting/in/acme/big", validButLarge)                   // 60 KB of well-formed JSON
        publisher.publish("alerting/ack/acme/some-alert", garbage)                 // an acknowledgement as large
        publisher.publish("alerting/in/acme/small", garbage.prefix(Self.maxPayloadBytes)) // at the limit: parsed, so malformed
        try await publisher.flush()
        try await rejected.wait(timeout: 20, "4 rejections") { $0.count >= 4 }
        let reasons = rejected.messages.compactMap(Self.reason)
        #expect(reasons == ["oversize", "oversize", "oversize", "malformed_json"])
        publisher.stop()
        rejected.stop()
        await ingest.stop()
        broker.stop()
    }

    /// Found by this fuzz test: 500 levels in one kilobyte cost ingest a second of CPU, so intake may nest 32 levels at
    /// most, and the reader stops at the 33rd.
    @Test func deepNestingIsRefusedForItsDepth() {
        let normalizer = IntakeNormalizer(maxPayloadBytes: Self.maxPayloadBytes)
        let deep = String(repeating: #"{"a":"#, count: 400) + "1" + String(repeating: "}", count: 400)
        guard case .failure(let rejection) = normalizer.normalize(Data(deep.utf8)) else {
            Issue.record("400 levels of nesting were accepted")
            return
        }
        // Read to its end, it would have been `missing_field` (no summary); refused at the 33rd level, it is the depth.
        #expect(rejection.reason == .invalidValue && rejection.message == "JSON nests deeper than 32 levels")
        let shallow = #"{"summary":"[[[[{{{{ in a string","severity":"critical","details":{"a":{"b":[1,[2,[3]]]}}}"#
        guard case .success = normalizer.normalize(Data(shallow.utf8)) else {
            Issue.record("a normal alert with brackets in a string and a few levels of details was refused")
            return
        }
        // The alert is level 1: 31 levels of details fit, 32 do not; brackets in strings do not count.
        func alert(detailLevels: Int) -> Data {
            Data((#"{"summary":"[[[[","severity":"critical","details":"# + String(repeating: #"{"a":"#, count: detailLevels) + "1"
                  + String(repeating: "}", count: detailLevels + 1)).utf8)
        }
        guard case .success = normalizer.normalize(alert(detailLevels: 31)) else {
            Issue.record("32 levels of nesting were refused")
            return
        }
        guard case .failure(let tooDeep) = normalizer.normalize(alert(detailLevels: 32)) else {
            Issue.record("33 levels of nesting were accepted")
            return
        }
        #expect(tooDeep.reason == .invalidValue && tooDeep.message == "JSON nests deeper than 32 levels")
        // Not JSON at all is still `malformed_json`, however many brackets open first.
        guard case .failure(let malformed) = normalizer.normalize(Data(("[[[" + "x").utf8)) else {
            Issue.record("garbage was accepted")
            return
        }
        #expect(malformed.reason == .malformedJSON)
    }

    static func reason(_ message: MQTTMessage) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: message.payload) as? [String: Any],
              let data = object["data"] as? [String: Any] else { return nil }
        return data["reason"] as? String
    }

    /// The sum of every series of a metric, whatever its labels.
    static func sum(_ exposition: String, _ metric: String) -> Double? {
        let values = exposition.split(separator: "\n").filter { $0.hasPrefix(metric + "{") || $0.hasPrefix(metric + " ") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    /// The value of one series in Prometheus text, e.g. `alerting_ingest_rejected_total{reason="invalid_topic"}`.
    static func counter(_ exposition: String, _ series: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
