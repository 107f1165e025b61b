// The Slack provider against a local server answering like Slack: one message per alert and channel, edited in place,
// escalations in its thread, Slack's errors and 429s read right, no second post after a lost answer.
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPClient
import SlackGateway
import Store
import Testing
import TestSupport

private struct Setup {
    let slack: SlackStandIn
    let config: AlertingConfig
    let provider: SlackProvider

    static func make(_ name: String, channels: [(name: String, id: String)] = [("general", "C0GENERAL1"), ("ops", "C0OPS00001"), ("alerts", "C0ALERTS01")],
                     environment: [String: String] = SlackFixtures.environment, directory: SlackChannelDirectory = SlackChannelDirectory()) async throws -> Setup {
        let dir = temporaryDirectory(name)
        let slack = try await SlackStandIn.start(channels: channels, pageSize: 2)
        let config = try SlackFixtures.config(apiURL: slack.apiURL, in: dir)
        let provider = SlackProvider(store: try SlackFixtures.store(dir), channelDirectory: directory, timeout: 5, environment: environment)
        return Setup(slack: slack, config: config, provider: provider)
    }

    /// On a thread of its own, as the gateway's delivery threads do: a blocking call must not take a thread of the
    /// pool the local Slack server answers on.
    func deliver(_ dispatch: DispatchRequest, tenant: String = "acme") async -> AttemptOutcome {
        let provider = self.provider, config = self.config
        return await offPool { provider.deliver(SlackFixtures.job(dispatch, tenant: tenant), attempt: 1, config: config, connection: HTTPClient()) }
    }
}

func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

private func providerRef(_ outcome: AttemptOutcome) -> String? {
    if case .delivered(_, _, let ref) = outcome { return ref }
    return nil
}

@Test func anAlertsMessageIsPostedOnceThenEditedInPlaceWithEscalationsInItsThread() async throws {
    let setup = try await Setup.make("slack-edit-in-place")
    defer { setup.slack.stop() }
    var alert = SlackFixtures.alert("a-1")
    let first = await setup.deliver(SlackFixtures.dispatch("d-1", alert: alert))
    #expect(providerRef(first) == "C0ALERTS01:1700000000.000001")
    // The channel's id came from every page of conversations.list (three channels, two a page).
    #expect(setup.slack.calls("conversations.list").count == 2)
    let posted = try #require(setup.slack.messages.first)
    #expect(posted.channel == "C0ALERTS01")
    let metadata = posted.json["metadata"] as? [String: Any]
    #expect((metadata?["event_payload"] as? [String: Any])?["dispatch_id"] as? String == "d-1")
    #expect(setup.slack.calls("chat.postMessage").first?.header("authorization") == "Bearer xoxb-global")

    // The same dispatch again (a redelivery): nothing new in Slack.
    #expect(providerRef(await setup.deliver(SlackFixtures.dispatch("d-1", alert: alert))) == "C0ALERTS01:1700000000.000001")
    #expect(setup.slack.calls("chat.postMessage").count == 1)

    // Acknowledged: the same message, edited; the update carries no provider_ref (a service post), the table knows.
    alert.status = .acknowledged
    alert.acknowledgedBy = "bob"
    alert.acknowledgedAt = Date(timeIntervalSince1970: 1_700_000_060)
    #expect(providerRef(await setup.deliver(SlackFixtures.dispatch("d-2", alert: alert, kind: .update, event: .acknowledged))) == "C0ALERTS01:1700000000.000001")
    #expect(setup.slack.messages.count == 1)
    #expect(setup.slack.messages.first?.updates == 1)
    #expect(setup.slack.messages.first?.visibleText.contains("*Acknowledged* by bob at 2023-11-14 22:14:20 UTC") == true)
    #expect(setup.slack.messages.first?.visibleText.contains("\"action_id\":\"acknowledge\"") == false)

    // Escalated: edited again, and a note in the message's thread.
    alert.level = 2
    let escalation = SlackFixtures.dispatch("d-3", alert: alert, kind: .update, event: .escalated)
    #expect(providerRef(await setup.deliver(escalation)) == "C0ALERTS01:1700000000.000001")
    #expect(setup.slack.messages.count == 2)
    #expect(setup.slack.messages.dropFirst().first?.threadTS == "1700000000.000001")
    #expect(setup.slack.messages.first?.updates == 2)

    // Resolved: edited, the buttons gone.
    alert.status = .resolved
    alert.resolvedBy = "bob"
    alert.resolvedAt = Date(timeIntervalSince1970: 1_700_000_120)
    _ = await setup.deliver(SlackFixtures.dispatch("d-4", alert: alert, kind: .update, event: .resolved))
    #expect(setup.slack.messages.first?.updates == 3)
    #expect(setup.slack.messages.first?.visibleText.contains("*Resolved* by bob") == true)
    #expect(setup.slack.messages.first?.visibleText.contains("button") == false)
    #expect(setup.slack.calls("chat.postMessage").count == 2, "one post and one thread reply, nothing else")
}

@Test func aRoutePostAndAServicePostInOneChannelAreOneMessageWithTheRoutesPriority() async throws {
    let setup = try await Setup.make("slack-one-message")
    defer { setup.slack.stop() }
    let alert = SlackFixtures.alert("a-2")
    let service = await setup.deliver(SlackFixtures.dispatch("d-service", alert: alert))
    let route = await setup.deliver(SlackFixtures.dispatch("d-route", alert: alert, priority: "high"))
    #expect(providerRef(service) != nil && providerRef(service) == providerRef(route))
    #expect(setup.slack.messages.count == 1)
    #expect(setup.slack.messages.first?.visibleText.contains("*Priority*\\nhigh") == true)
    // An update built from the route's record (its provider_ref) edits that message too.
    var acknowledged = alert
    acknowledged.status = .acknowledged
    _ = await setup.deliver(SlackFixtures.dispatch("d-ack", alert: acknowledged, kind: .update, event: .acknowledged, providerRef: providerRef(route)))
    #expect(setup.slack.messages.count == 1 && setup.slack.messages.first?.updates == 2)
    #expect(setup.slack.messages.first?.visibleText.contains("*Priority*\\nhigh") == true, "the priority stays")
}

@Test func aPostWhoseAnswerWasLostIsFoundByItsMetadataAndNotPostedAgain() async throws {
    let setup = try await Setup.make("slack-lost-answer")
    defer { setup.slack.stop() }
    setup.slack.loseAnswers(to: "chat.postMessage")
    let dispatch = SlackFixtures.dispatch("d-lost", alert: SlackFixtures.alert("a-3"))
    guard case .retry(_, let status, _, _, _) = await setup.deliver(dispatch) else { Issue.record("a 503 is retried"); return }
    #expect(status == 503)
    #expect(setup.slack.messages.count == 1, "Slack took it all the same")
    // The retry asks Slack first, finds the message by the dispatch id in its metadata, and does not post it again.
    #expect(providerRef(await setup.deliver(dispatch)) == "C0ALERTS01:1700000000.000001")
    #expect(setup.slack.calls("conversations.history").count == 1)
    #expect(setup.slack.calls("chat.postMessage").count == 1)
}

@Test func slacksErrorsAndRateLimitsAreReadAsSlackMeansThem() async throws {
    let setup = try await Setup.make("slack-errors", directory: SlackChannelDirectory(maxAge: 300, minimumGap: 0))
    defer { setup.slack.stop() }
    // A channel Slack does not know: failed for good, with Slack's code, and nothing posted.
    let missing = await setup.deliver(SlackFixtures.dispatch("d-missing", alert: SlackFixtures.alert("a-4"),
                                                       recipient: Recipient(kind: .service, service: "press-line", address: "#nowhere")))
    guard case .failed(_, let error, let failure) = missing else { Issue.record("\(missing)"); return }
    #expect(error.contains("channel_not_found") && failure == .rejected)
    #expect(setup.slack.calls("chat.postMessage").isEmpty)

    // ok:false from Slack: invalid_auth is the configuration's fault, not_in_channel the channel's.
    setup.slack.script { request in
        request.path == "/api/chat.postMessage" && String(decoding: request.body, as: UTF8.self).contains("a-5")
            ? SlackStandIn.json(["ok": false, "error": "invalid_auth"]) : nil
    }
    let refused = await setup.deliver(SlackFixtures.dispatch("d-auth", alert: SlackFixtures.alert("a-5")))
    #expect(refused == .failed(httpStatus: 200, error: "slack chat.postMessage: invalid_auth", failure: .configuration))

    // 429 with Retry-After: retried after that long, and the channel's queue pauses.
    setup.slack.script { request in
        request.path == "/api/chat.postMessage" && String(decoding: request.body, as: UTF8.self).contains("a-6")
            ? ScriptedHTTPResponse(status: 429, headers: [("Retry-After", "7")], body: Data()) : nil
    }
    let throttled = await setup.deliver(SlackFixtures.dispatch("d-429", alert: SlackFixtures.alert("a-6")))
    guard case .retry(let retryAfter, let status, _, let kind, let pause) = throttled else { Issue.record("\(throttled)"); return }
    #expect(retryAfter == 7 && status == 429 && kind == .throttled && pause)

    // A transient ok:false is retried.
    setup.slack.script { request in
        request.path == "/api/chat.postMessage" && String(decoding: request.body, as: UTF8.self).contains("a-7")
            ? SlackStandIn.json(["ok": false, "error": "internal_error"]) : nil
    }
    guard case .retry = await setup.deliver(SlackFixtures.dispatch("d-500", alert: SlackFixtures.alert("a-7"))) else { Issue.record("internal_error is retried"); return }
}

@Test func theChannelListIsCachedAndFetchedAgainForANewName() async throws {
    let setup = try await Setup.make("slack-channel-cache", directory: SlackChannelDirectory(maxAge: 300, minimumGap: 0))
    defer { setup.slack.stop() }
    for (index, id) in ["x-1", "x-2", "x-3"].enumerated() {
        _ = await setup.deliver(SlackFixtures.dispatch("d-\(index)", alert: SlackFixtures.alert(id)))
    }
    #expect(setup.slack.calls("conversations.list").count == 2, "one listing (two pages) for three posts")
    _ = await setup.deliver(SlackFixtures.dispatch("d-ops", alert: SlackFixtures.alert("x-4"),
                                             recipient: Recipient(kind: .service, service: "press-line", address: "ops")))
    #expect(setup.slack.calls("conversations.list").count == 2, "a known name without # needs no listing")
    _ = await setup.deliver(SlackFixtures.dispatch("d-new", alert: SlackFixtures.alert("x-5"),
                                             recipient: Recipient(kind: .service, service: "press-line", address: "#brand-new")))
    #expect(setup.slack.calls("conversations.list").count == 4, "an unknown name fetches the list again")

    // With the default gap, an unknown name does not fetch the list on every dispatch.
    let gapped = try await Setup.make("slack-channel-gap")
    defer { gapped.slack.stop() }
    for index in 0..<3 {
        _ = await gapped.deliver(SlackFixtures.dispatch("g-\(index)", alert: SlackFixtures.alert("g-\(index)"),
                                                  recipient: Recipient(kind: .service, service: "press-line", address: "#brand-new")))
    }
    #expect(gapped.slack.calls("conversations.list").count == 2)
}

@Test func directMessagesTenantWorkspacesAndIncomingWebhooks() async throws {
    let setup = try await Setup.make("slack-dm")
    defer { setup.slack.stop() }
    // A user's direct message: posted to the user, edited in the conversation Slack opened.
    let dm = await setup.deliver(SlackFixtures.dispatch("d-dm", alert: SlackFixtures.alert("a-8"),
                                                  recipient: Recipient(kind: .user, user: "bob", address: "U0BOB00001")))
    #expect(providerRef(dm) == "D0BOB00001:1700000000.000001")
    #expect(setup.slack.calls("conversations.list").isEmpty)
    #expect(setup.slack.calls("conversations.open").count == 1)
    // A second alert to the same user: the conversation's id is known.
    _ = await setup.deliver(SlackFixtures.dispatch("d-dm-2", alert: SlackFixtures.alert("a-8b"),
                                                   recipient: Recipient(kind: .user, user: "bob", address: "U0BOB00001")))
    #expect(setup.slack.calls("conversations.open").count == 1)
    #expect(setup.slack.messages.filter { $0.channel == "D0BOB00001" }.count == 2)
    // The same alert again for bob (an escalation's repeat): a new message, which notifies him; its update edits that one.
    let again = await setup.deliver(SlackFixtures.dispatch("d-dm-3", alert: SlackFixtures.alert("a-8"),
                                                           recipient: Recipient(kind: .user, user: "bob", address: "U0BOB00001")))
    #expect(setup.slack.messages.filter { $0.channel == "D0BOB00001" }.count == 3)
    var acknowledged = SlackFixtures.alert("a-8")
    acknowledged.status = .acknowledged
    let edited = await setup.deliver(SlackFixtures.dispatch("d-dm-4", alert: acknowledged, kind: .update, event: .acknowledged,
                                                            recipient: Recipient(kind: .user, user: "bob", address: "U0BOB00001")))
    #expect(providerRef(edited) == providerRef(again) && providerRef(again) != providerRef(dm))

    // A tenant with its own workspace: its own API and token.
    let directory = temporaryDirectory("slack-tenant-workspace")
    let globexSlack = try await SlackStandIn.start(channels: [("alerts", "C0GLOBEX01")])
    defer { globexSlack.stop() }
    let config = try SlackFixtures.config(apiURL: setup.slack.apiURL, globexAPI: globexSlack.apiURL, in: directory)
    let provider = SlackProvider(store: try SlackFixtures.store(directory), timeout: 5, environment: SlackFixtures.environment)
    let alert = SlackFixtures.alert("g-1", tenant: "globex")
    let outcome = await offPool { provider.deliver(SlackFixtures.job(SlackFixtures.dispatch("d-globex", alert: alert), tenant: "globex"), attempt: 1,
                                                   config: config, connection: HTTPClient()) }
    #expect(providerRef(outcome) == "C0GLOBEX01:1700000000.000001")
    #expect(globexSlack.calls("chat.postMessage").first?.header("authorization") == "Bearer xoxb-globex")
    // Queues: one per conversation and workspace.
    let acmeDestination = provider.destination(of: SlackFixtures.job(SlackFixtures.dispatch("q-1", alert: SlackFixtures.alert("q"))), config: config)
    let globexDestination = provider.destination(of: SlackFixtures.job(SlackFixtures.dispatch("q-2", alert: alert), tenant: "globex"), config: config)
    let otherChannel = provider.destination(of: SlackFixtures.job(SlackFixtures.dispatch("q-3", alert: SlackFixtures.alert("q"),
        recipient: Recipient(kind: .service, address: "#ops"))), config: config)
    #expect(Set([acmeDestination.key, globexDestination.key, otherChannel.key]).count == 3)
    #expect(acmeDestination.pacing == Pacing(perSecond: 1, burst: 4))
    #expect(acmeDestination.group != nil && acmeDestination.group == otherChannel.group && acmeDestination.group != globexDestination.group,
            "a workspace's channels share its limit; another workspace has its own")
    #expect(!acmeDestination.key.contains("xoxb"), "no secret in a queue's key")

    // Without a bot token, the incoming webhook: a plain post of the same message.
    let webhookOnly = try TestConfig.write("""
        channels:
          slack:
            default_webhook_url_env: SLACK_WEBHOOK_URL
        tenants:
          - id: acme
            name: Acme
        """, in: temporaryDirectory("slack-webhook-only"))
    let webhookConfig = try ConfigStore(path: webhookOnly.path, logger: .init(label: "test")).current
    let webhookProvider = SlackProvider(store: try SlackFixtures.store(temporaryDirectory("slack-webhook-store")), timeout: 5,
                                        environment: ["SLACK_WEBHOOK_URL": setup.slack.webhookURL])
    let webhook = await offPool { webhookProvider.deliver(SlackFixtures.job(SlackFixtures.dispatch("d-hook", alert: SlackFixtures.alert("w-1"))),
                                                          attempt: 1, config: webhookConfig, connection: HTTPClient()) }
    #expect(webhook == .delivered(httpStatus: 200))
    #expect(setup.slack.messages.last?.channel == "webhook")
    #expect(setup.slack.messages.last?.visibleText.contains("Acknowledge") == true)
    // Neither configured: a failed receipt naming the variables.
    let none = SlackProvider(store: try SlackFixtures.store(temporaryDirectory("slack-none")), environment: [:])
        .deliver(SlackFixtures.job(SlackFixtures.dispatch("d-none", alert: SlackFixtures.alert("w-3"))), attempt: 1, config: webhookConfig,
                 connection: HTTPClient())
    guard case .failed(_, let error, let failure) = none else { Issue.record("\(none)"); return }
    #expect(error.contains("SLACK_WEBHOOK_URL") && failure == .configuration)
}

@Test func aFirstPostRetriedAfterItsUpdateNeverShowsTheOlderState() async throws {
    let setup = try await Setup.make("slack-stale-edit")
    defer { setup.slack.stop() }
    let triggered = SlackFixtures.alert("a-9")
    var acknowledged = triggered
    acknowledged.status = .acknowledged
    acknowledged.acknowledgedBy = "bob"
    acknowledged.updatedAt = triggered.updatedAt.addingTimeInterval(60)
    // The acknowledgement's update comes first (the post was waiting out a 429): it posts the message.
    let update = await setup.deliver(SlackFixtures.dispatch("d-ack", alert: acknowledged, kind: .update, event: .acknowledged))
    // The first post, retried later, finds that message and leaves it as it is.
    let first = await setup.deliver(SlackFixtures.dispatch("d-first", alert: triggered))
    #expect(providerRef(update) != nil && providerRef(first) == providerRef(update))
    #expect(setup.slack.messages.count == 1)
    #expect(setup.slack.calls("chat.update").isEmpty)
    #expect(setup.slack.messages.first?.visibleText.contains("*Acknowledged* by bob") == true)
}

@Test func aTestSendPostsAMarkedMessageAndReportsIt() async throws {
    let setup = try await Setup.make("slack-test-send")
    defer { setup.slack.stop() }
    let provider = setup.provider, config = setup.config
    let toChannel = await offPool {
        GatewayTestSend.attempt(provider, dispatch: SlackTestSend.dispatch(tenant: "acme", address: "#alerts", toUser: false), tenant: "acme", config: config)
    }
    #expect(toChannel.status == .sent && toChannel.providerRef?.hasPrefix("C0ALERTS01:") == true)
    #expect(setup.slack.messages.first?.visibleText.contains("[TEST]") == true)
    let nowhere = await offPool {
        GatewayTestSend.attempt(provider, dispatch: SlackTestSend.dispatch(tenant: "acme", address: "#nowhere", toUser: false), tenant: "acme", config: config)
    }
    #expect(nowhere.status == .failed && nowhere.error?.contains("channel_not_found") == true)
}

@Test func aStaleChannelListThatCannotBeFetchedAgainStillNamesItsChannels() async throws {
    let setup = try await Setup.make("slack-stale-list", directory: SlackChannelDirectory(maxAge: 0, minimumGap: 0))
    defer { setup.slack.stop() }
    #expect(providerRef(await setup.deliver(SlackFixtures.dispatch("d-1", alert: SlackFixtures.alert("s-1")))) != nil)
    setup.slack.script { request in
        request.path == "/api/conversations.list" ? ScriptedHTTPResponse(status: 429, headers: [("Retry-After", "30")], body: Data()) : nil
    }
    // The list is stale at once (max age 0) and Slack throttles its listing: the channel's id is still known.
    #expect(providerRef(await setup.deliver(SlackFixtures.dispatch("d-2", alert: SlackFixtures.alert("s-2")))) != nil)
    #expect(setup.slack.calls("chat.postMessage").count == 2)
}

@Test func aDirectMessageWhoseAnswerWasLostIsFoundToo() async throws {
    let setup = try await Setup.make("slack-dm-lost")
    defer { setup.slack.stop() }
    setup.slack.loseAnswers(to: "chat.postMessage")
    let dispatch = SlackFixtures.dispatch("d-dm-lost", alert: SlackFixtures.alert("a-10"), recipient: Recipient(kind: .user, user: "bob", address: "U0BOB00001"))
    guard case .retry = await setup.deliver(dispatch) else { Issue.record("a 503 is retried"); return }
    #expect(providerRef(await setup.deliver(dispatch)) == "D0BOB00001:1700000000.000001")
    #expect(setup.slack.calls("chat.postMessage").count == 1)
}
