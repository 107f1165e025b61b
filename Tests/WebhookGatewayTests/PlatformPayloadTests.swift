// Each platform's body against that platform's rules, for every event kind: Teams an Adaptive Card attachment, Google
// Chat a cardsV2 card, Discord one embed within Discord's limits, ntfy a JSON publish; long text cut, never refused.
import Contracts
import Foundation
import Testing
@testable import WebhookGateway

private func dispatch(event: AlertEvent.Kind, title: String = "CRITICAL: Press 4 stopped", body: String = "Line 4 is down") -> DispatchRequest {
    var alert = Alert(id: "a-1", tenant: "acme", dedupKey: "press4", severity: .critical, summary: "Press 4 stopped",
                      service: "press-line", source: "plc-7", createdAt: Date(timeIntervalSince1970: 1_790_000_000))
    if event == .acknowledged { alert.acknowledgedBy = "bob" }
    return DispatchRequest(dispatchId: "d-1", kind: event == .triggered ? .notify : .update, event: event, channel: "webhook",
                           recipient: Recipient(kind: .service, service: "press-line", address: "hook"), title: title, body: body,
                           severity: .critical, links: [AlertLink(href: "https://example.test/p4", text: "Panel")],
                           actions: [ActionLink(action: .acknowledge, token: "t", url: "https://alerting.example.test/a/t1")],
                           alert: alert)
}

private func json(_ value: JSONValue) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: try JSONCoding.encode(value)) as? [String: Any])
}

private let kinds: [AlertEvent.Kind] = [.triggered, .acknowledged, .resolved, .escalated]

@Test(arguments: kinds)
func teamsGetsAnAdaptiveCardAttachment(event: AlertEvent.Kind) throws {
    let message = try json(WebhookPayload.teams(dispatch(event: event)))
    #expect(message["type"] as? String == "message")
    let attachment = try #require((message["attachments"] as? [[String: Any]])?.first)
    #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
    let card = try #require(attachment["content"] as? [String: Any])
    #expect(card["type"] as? String == "AdaptiveCard" && card["version"] as? String == "1.4")
    let blocks = try #require(card["body"] as? [[String: Any]])
    #expect(blocks[0]["text"] as? String == "CRITICAL · \(event.rawValue.capitalized)")
    #expect(blocks[0]["color"] as? String == (event == .resolved ? "Good" : event == .acknowledged ? "Warning" : "Attention"))
    #expect(blocks[1]["text"] as? String == "CRITICAL: Press 4 stopped")
    let actions = try #require(card["actions"] as? [[String: Any]])
    #expect(actions.map { $0["type"] as? String } == ["Action.OpenUrl", "Action.OpenUrl"])
    #expect(actions.map { $0["title"] as? String } == ["Panel", "Acknowledge"])
    let facts = try #require(blocks[3]["facts"] as? [[String: String]])
    #expect(facts.contains { $0["title"] == "Acknowledged by" } == (event == .acknowledged))
}

@Test(arguments: kinds)
func googleChatGetsACardsV2Card(event: AlertEvent.Kind) throws {
    let message = try json(WebhookPayload.googleChat(dispatch(event: event)))
    #expect(message["text"] as? String == "CRITICAL · \(event.rawValue.capitalized): CRITICAL: Press 4 stopped")
    let entry = try #require((message["cardsV2"] as? [[String: Any]])?.first)
    #expect(entry["cardId"] as? String == "alert-a-1")
    let card = try #require(entry["card"] as? [String: Any])
    let header = try #require(card["header"] as? [String: Any])
    #expect(header["title"] as? String == "CRITICAL: Press 4 stopped")
    #expect(header["subtitle"] as? String == "CRITICAL · \(event.rawValue.capitalized)")
    let sections = try #require(card["sections"] as? [[String: Any]])
    #expect(sections.count == 3)
    let paragraph = ((sections[0]["widgets"] as? [[String: Any]])?.first?["textParagraph"] as? [String: Any])?["text"] as? String
    #expect(paragraph == "Line 4 is down")
    let labels = (sections[1]["widgets"] as? [[String: Any]])?.compactMap { ($0["decoratedText"] as? [String: Any])?["topLabel"] as? String }
    #expect(labels?.starts(with: ["Severity", "Status", "Service", "Source"]) == true)
    let buttons = ((sections[2]["widgets"] as? [[String: Any]])?.first?["buttonList"] as? [String: Any])?["buttons"] as? [[String: Any]]
    #expect(buttons?.map { $0["text"] as? String } == ["Panel", "Acknowledge"])
    #expect(((buttons?[1]["onClick"] as? [String: Any])?["openLink"] as? [String: Any])?["url"] as? String == "https://alerting.example.test/a/t1")
}

@Test(arguments: kinds)
func discordGetsOneEmbedWithinItsLimits(event: AlertEvent.Kind) throws {
    let long = String(repeating: "ü", count: 9_000)
    for request in [dispatch(event: event), dispatch(event: event, title: long, body: long)] {
        let message = try json(WebhookPayload.discord(request))
        let embeds = try #require(message["embeds"] as? [[String: Any]])
        #expect(embeds.count == 1)
        let embed = embeds[0]
        let title = try #require(embed["title"] as? String)
        let description = try #require(embed["description"] as? String)
        let footer = try #require((embed["footer"] as? [String: Any])?["text"] as? String)
        let fields = try #require(embed["fields"] as? [[String: Any]])
        #expect(title.count <= 256 && description.count <= 4_096 && footer.count <= 2_048 && fields.count <= 25)
        #expect(fields.allSatisfy { ($0["name"] as? String ?? "").count <= 256 && ($0["value"] as? String ?? "").count <= 1_024 })
        let total = title.count + description.count + footer.count
            + fields.reduce(0) { $0 + ($1["name"] as? String ?? "").count + ($1["value"] as? String ?? "").count }
        #expect(total <= 6_000)
        #expect(footer.hasPrefix("CRITICAL · \(event.rawValue.capitalized)"))
        #expect(embed["color"] as? Int == (event == .resolved ? 0x2E_CC_71 : 0xD0_00_00))
        #expect((fields.last?["value"] as? String) == "[Panel](https://example.test/p4)\n[Acknowledge](https://alerting.example.test/a/t1)")
        #expect((message["allowed_mentions"] as? [String: Any])?["parse"] as? [Any] != nil)
    }
}

@Test func pushIsAnNtfyJSONPublishWithPriorityClickAndCallbackButtons() throws {
    let message = try json(NtfyPush.message(dispatch(event: .triggered)))
    #expect(message["topic"] as? String == "hook")
    #expect(message["priority"] as? Int == 5)
    #expect(message["click"] as? String == "https://example.test/p4")
    #expect(message["tags"] as? [String] == ["rotating_light", "critical"])
    let actions = try #require(message["actions"] as? [[String: Any]])
    #expect(actions.count == 1)
    #expect(actions[0]["action"] as? String == "http" && actions[0]["method"] as? String == "POST")
    #expect(actions[0]["url"] as? String == "https://alerting.example.test/a/t1")
    let long = try json(NtfyPush.message(dispatch(event: .triggered, body: String(repeating: "é", count: 5_000))))
    #expect(((long["message"] as? String) ?? "").utf8.count <= NtfyPush.maxMessageBytes)
}
