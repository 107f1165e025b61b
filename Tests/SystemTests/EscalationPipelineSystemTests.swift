// The pipeline as one over a real broker, on the shipped example configuration: ingest, router, escalator (on a
// manual clock) and the webhook gateway. A press-line alert is paged to the on-call users, 15 minutes later to the
// team's lead only, every webhook that got it gets exactly one `escalated` update, an acknowledgement updates each
// webhook once and every recipient's inbox and stops the chain, a resolution closes it; a globex deadline level whose
// roles nobody holds pages the admins with the reason in the audit log.
import Config
import Contracts
import Directory
import Escalator
import Foundation
import Harness
import GatewayKit
import Ingest
import Router
import ServiceKit
import Testing
import TestSupport
import WebhookGateway

@Suite(.serialized) struct EscalationPipelineSystemTests {
    /// The example configuration with the press line's webhooks pointed at the receiver, the Teams room taking
    /// `escalated` too, and the disabled Discord hook left disabled.
    static func exampleConfig(receiver: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var yaml = try String(contentsOf: root.appendingPathComponent("config/alerting.example.yaml"), encoding: .utf8)
        for (from, to) in [("url: https://example.test/ticketing", "url: \(receiver)/ticketing"),
                           ("url: https://example.test/discord-hook", "url: \(receiver)/discord"),
                           ("events: [triggered, acknowledged, resolved]", "events: [triggered, escalated, acknowledged, resolved]")] {
            guard yaml.contains(from) else { throw ServiceProcessError(message: "the example configuration no longer has \(from)") }
            yaml = yaml.replacingOccurrences(of: from, with: to)
        }
        return yaml
    }

    static let secrets: [String: String] = [
        "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "SMTP_URL": "smtp://127.0.0.1:1", "NTFY_TOKEN": "n",
        "ACME_SLACK_BOT_TOKEN": "xoxb-1", "ACTION_TOKEN_SECRET": "action-secret",
    ]

    /// The lifecycle event a webhook request carries: generic JSON says `alert.<event>`, cards say "SEVERITY · Event".
    static func event(of request: RecordedHTTPRequest) -> String? {
        let body = String(decoding: request.body, as: UTF8.self)
        return ["triggered", "escalated", "acknowledged", "resolved"].first { body.contains("\"alert.\($0)\"") || body.contains("· \($0.capitalized)") }
    }

    struct Pipeline {
        let broker: MosquittoBroker
        let receiver: TestHTTPServer
        let clock: ManualEscalationClock
        let ingest: InProcessService
        let router: InProcessService
        let escalator: InProcessService
        let gateway: InProcessService
        let recorder: BusRecorder
        let publisher: BusPublisher

        static func start(_ name: String) async throws -> Pipeline {
            let directory = temporaryDirectory(name)
            let broker = try await offThePool { try MosquittoBroker() }
            let receiver = try await TestHTTPServer.start()
            let config = try TestConfig.write(try exampleConfig(receiver: receiver.url), in: directory)
            let clock = ManualEscalationClock(now: Date())
            func options(_ service: String) throws -> ServiceOptions {
                try InProcessService.options(config: config, dataDir: directory.appendingPathComponent(service), broker: broker)
            }
            let recorder = try BusRecorder(broker: broker, topics: ["alerting/alerts/#", "alerting/escalations/#", "alerting/dispatch/#",
                                                                    "alerting/inbox/#"],
                                           consuming: ["sms", "email", "push", "slack", "whatsapp"])
            let publisher = try BusPublisher(broker: broker)
            let ingest = InProcessService(runtime: try IngestService.makeRuntime(options: try options("ingest"))) {
                try await IngestService.run($0, installSignalHandlers: false)
            }
            let router = InProcessService(runtime: try RouterService.makeRuntime(options: try options("router"))) {
                try await RouterService.run($0, environment: secrets, installSignalHandlers: false)
            }
            let escalator = InProcessService(runtime: try EscalatorService.makeRuntime(options: try options("escalator"))) {
                try await EscalatorService.run($0, clock: clock, installSignalHandlers: false)
            }
            let provider = WebhookProvider(environment: ["PRESS_TEAMS_WEBHOOK_URL": "\(receiver.url)/teams",
                                                         "TICKETING_WEBHOOK_SECRET": SystemHarness.secret])
            let gateway = InProcessService(runtime: try WebhookGatewayService.makeRuntime(options: try options("webhook-gateway"))) {
                try await WebhookGatewayService.run($0, provider: provider, settings: GatewaySettings(threads: 2), installSignalHandlers: false)
            }
            for service in [ingest, router, escalator, gateway] { try await service.waitUntilConnected() }
            return Pipeline(broker: broker, receiver: receiver, clock: clock, ingest: ingest, router: router, escalator: escalator,
                            gateway: gateway, recorder: recorder, publisher: publisher)
        }

        func states(_ tenant: String) -> [Alert] {
            recorder.messages(on: "alerting/alerts/\(tenant)/").compactMap { try? Envelope<Alert>.decode($0.payload).data }
        }

        func steps() -> [EscalationStepTaken] {
            recorder.messages(on: "alerting/escalations/").compactMap { try? Envelope<EscalationStepTaken>.decode($0.payload).data }
        }

        func dispatches() -> [DispatchRequest] {
            recorder.messages(on: "alerting/dispatch/").compactMap { try? Envelope<DispatchRequest>.decode($0.payload).data }
        }

        func inbox(_ user: String) -> InboxSnapshot? {
            recorder.messages(on: "alerting/inbox/acme/\(user)").last.flatMap { try? Envelope<InboxSnapshot>.decode($0.payload).data }
        }

        /// Webhook requests by path (`/teams`, `/ticketing`) and event.
        func hooks() -> [String: [String]] {
            Dictionary(grouping: receiver.requests.filter { $0.path != "/discord" }, by: \.path)
                .mapValues { $0.sorted { $0.index < $1.index }.map { EscalationPipelineSystemTests.event(of: $0) ?? "?" } }
        }

        func audit(_ tenant: String, _ alertID: String) throws -> [DispatchRecords.Row] {
            try router.runtime.store.read { try DispatchRecords.forAlert($0, tenant: tenant, alertId: alertID) }
        }

        func stop() async {
            for service in [gateway, escalator, router, ingest] { await service.stop() }
            recorder.stop()
            publisher.stop()
            receiver.stop()
            try? await offThePool { broker.stop() }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func anAlertIsPagedEscalatedAcknowledgedAndResolvedThroughEveryService() async throws {
        let pipeline = try await Pipeline.start("escalation-pipeline")
        let (recorder, publisher, clock) = (pipeline.recorder, pipeline.publisher, pipeline.clock)

        publisher.publish("alerting/in/acme/plc-4", #"{"dedup_key":"press-4","summary":"Press 4 stopped","severity":"critical","service":"press-line","category":"production"}"#)
        try await publisher.flush()
        try await recorder.wait(timeout: 20, "the retained alert") { _ in !pipeline.states("acme").isEmpty }
        let alert = try #require(pipeline.states("acme").first)
        // The countdown shows from the start: step 1 of press-default is due at once.
        #expect(alert.nextEscalationAt.map { abs($0.timeIntervalSince(alert.createdAt)) < 0.01 } == true)
        try await recorder.wait(timeout: 20, "the first notification to the webhooks") { _ in pipeline.hooks().values.flatMap { $0 }.count >= 2 }
        #expect(pipeline.hooks() == ["/teams": ["triggered"], "/ticketing": ["triggered"]])

        // Step 1 (0m): the on-call users of schedule primary, on the step's channels (SMS first).
        clock.advance(to: alert.createdAt)
        try await recorder.wait(timeout: 20, "step 1") { _ in pipeline.steps().count >= 1 }
        let onCall = try #require(ExampleSchedule.onCall(at: Date()))
        try await recorder.wait(timeout: 20, "step 1's pages") { _ in
            Set(pipeline.dispatches().filter { $0.event == .escalated && $0.kind == .notify }.compactMap(\.recipient.user)) == Set(onCall)
        }
        #expect(pipeline.dispatches().filter { $0.event == .escalated && $0.kind == .notify }.allSatisfy { $0.channel == "sms" })
        try await recorder.wait(timeout: 20, "the next due time") { _ in
            pipeline.states("acme").last?.nextEscalationAt.map { abs($0.timeIntervalSince(alert.createdAt) - 15 * 60) < 0.01 } == true }

        // Step 2 (15m): the ops team's lead only, on all of bob's channels; everything sent before shows the escalation.
        let beforeStep2 = pipeline.dispatches().count
        clock.advance(to: alert.createdAt.addingTimeInterval(15 * 60))
        try await recorder.wait(timeout: 20, "step 2") { _ in pipeline.steps().count >= 2 }
        try await recorder.wait(timeout: 20, "step 2's pages and the escalated webhooks") { _ in
            pipeline.dispatches().dropFirst(beforeStep2).filter { $0.kind == .notify }.count >= 2
                && pipeline.hooks().values.allSatisfy { $0.contains("escalated") }
        }
        let step2 = pipeline.dispatches().dropFirst(beforeStep2)
        #expect(step2.filter { $0.kind == .notify }.map { "\($0.channel):\($0.recipient.user ?? "-")" }.sorted() == ["email:bob", "sms:bob"])
        #expect(step2.filter { $0.kind == .update }.allSatisfy { $0.event == .escalated })
        #expect(step2.contains { $0.kind == .update && $0.channel == "slack" && $0.recipient.address == "#press-line" }, "the Slack post, in place")
        try await recorder.wait(timeout: 20, "the inbox shows level 1") { _ in pipeline.inbox("bob")?.items.contains { $0.level == 1 } == true }

        // bob acknowledges: each webhook once more, every recipient's inbox says who and when, no further step.
        publisher.publish("alerting/ack/acme/\(alert.id)/by/bob", #"{"action":"acknowledge"}"#)
        try await publisher.flush()
        try await recorder.wait(timeout: 20, "acknowledged everywhere") { _ in
            pipeline.hooks().values.allSatisfy { $0.contains("acknowledged") }
                && pipeline.inbox("carol")?.items.first?.status == "acknowledged" && pipeline.inbox("bob")?.unread == 0
        }
        let carols = try #require(pipeline.inbox("carol"))
        #expect(carols.items.allSatisfy { $0.statusBy == "bob" && $0.statusAt != nil && $0.priority == "critical" && $0.type == "alert" })
        #expect(carols.unread == carols.items.count, "carol did not act: her items stay unread")
        let book = EscalatorService.book(pipeline.escalator.runtime, rules: EscalationRules())
        try #require(try await eventually { try book.state(alertID: alert.id)?.status == .acknowledged })
        #expect(try book.store.read { try EscalationRecords.timers($0, alertID: alert.id) }.filter(\.isStep).isEmpty,
                "no step is left to fire")
        clock.advance(to: alert.createdAt.addingTimeInterval(45 * 60))

        publisher.publish("alerting/ack/acme/\(alert.id)/by/bob", #"{"action":"resolve"}"#)
        try await publisher.flush()
        try await recorder.wait(timeout: 20, "resolved everywhere") { _ in pipeline.hooks().values.allSatisfy { $0.contains("resolved") } }
        // The resolution went through the escalator after the clock passed step 3's time: a step would be on the bus by now.
        try #require(try await eventually { try book.state(alertID: alert.id)?.status == .resolved })
        #expect(pipeline.steps().count == 2, "step 3 never fired")
        #expect(pipeline.hooks() == ["/teams": ["triggered", "escalated", "acknowledged", "resolved"],
                                     "/ticketing": ["triggered", "escalated", "acknowledged", "resolved"]])
        let rows = try pipeline.audit("acme", alert.id)
        #expect(rows.filter { $0.channel == "in_app" }.allSatisfy { $0.sentAt != nil && $0.deliveredAt != nil })
        await pipeline.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aDeadlineLevelNobodyHoldsPagesTheAdminsAndSaysWhy() async throws {
        let pipeline = try await Pipeline.start("escalation-pipeline-nobody")
        let (recorder, publisher, clock) = (pipeline.recorder, pipeline.publisher, pipeline.clock)
        // globex keeps the default deadline levels (workstream_lead, program_owner, platform_admin): nobody holds them.
        let deadline = Date().addingTimeInterval(4 * 3600)
        publisher.publish("alerting/in/globex/filings",
                          #"{"dedup_key":"q4-filing","summary":"Q4 filing due","severity":"warning","deadline":"\#(RFC3339.string(from: deadline))"}"#)
        try await publisher.flush()
        try await recorder.wait(timeout: 20, "the retained alert") { _ in !pipeline.states("globex").isEmpty }
        let alert = try #require(pipeline.states("globex").first)
        #expect(alert.nextEscalationAt.map { abs($0.timeIntervalSince(alert.createdAt.addingTimeInterval(deadline.timeIntervalSince(alert.createdAt) / 2))) < 0.01 } == true,
                "the 50 % threshold is the first due time")
        // Past 50 %, before 75 %: level 1.
        clock.advance(to: deadline.addingTimeInterval(-1.5 * 3600))
        try await recorder.wait(timeout: 20, "the level 1 step") { _ in !pipeline.steps().isEmpty }
        try #require(try await eventually { try pipeline.audit("globex", alert.id).contains { $0.origin == "fallback" } })
        let fallback = try pipeline.audit("globex", alert.id).filter { $0.origin == "fallback" }
        #expect(fallback.map(\.recipientUser) == ["gina"])
        #expect(fallback.first?.reason == "escalation level 1 (deadline threshold): role workstream_lead resolve to nobody: sent to the tenant's admins")
        #expect(fallback.first?.channel == "sms", "gina's first available channel")
        await pipeline.stop()
    }
}

/// Who schedule primary of the example configuration puts on call.
enum ExampleSchedule {
    static func onCall(at instant: Date) -> [String]? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let config = try? ConfigLoader.load(path: root.appendingPathComponent("config/alerting.example.yaml").path),
              let schedule = config.tenant(id: "acme")?.schedule(id: "primary") else { return nil }
        return OnCall.users(of: schedule, at: instant)
    }
}
