// The Block Kit JSON of an alert's message, byte for byte, and how it changes as the alert does.
import Contracts
import Foundation
import SlackGateway
import Testing

@Test func aTriggeredAlertsMessageIsExactlyThisBlockKit() {
    var alert = SlackFixtures.alert("a-1")
    alert.details = ["host": .string("db-1"), "disk_pct": .number(97)]
    alert.links = [AlertLink(href: "https://grafana.example.test/d/1", text: "Dashboard")]
    var dispatch = SlackFixtures.dispatch("d-1", alert: alert, priority: "high")
    dispatch.actions = [ActionLink(action: .acknowledge, token: "ack-token"), ActionLink(action: .resolve, token: "resolve-token")]
    let json = SlackMessage.encode(.object(SlackMessage.content(for: dispatch)))
    let expected = #"{"attachments":[{"blocks":[{"text":{"emoji":true,"text":":red_circle: CRITICAL: Disk full on db-1","type":"plain_text"},"type":"header"},"#
        + #"{"fields":[{"text":"*Severity*\ncritical","type":"mrkdwn"},{"text":"*Service*\npress-line","type":"mrkdwn"},"#
        + #"{"text":"*Source*\nprometheus","type":"mrkdwn"},{"text":"*Priority*\nhigh","type":"mrkdwn"},"#
        + #"{"text":"*disk_pct*\n97","type":"mrkdwn"},{"text":"*host*\ndb-1","type":"mrkdwn"}],"#
        + #""text":{"text":"*Triggered* 2023-11-14 22:13:20 UTC","type":"mrkdwn"},"type":"section"},"#
        + #"{"elements":[{"text":"<https://grafana.example.test/d/1|Dashboard>","type":"mrkdwn"}],"type":"context"},"#
        + #"{"block_id":"alert_actions","elements":["#
        + #"{"action_id":"acknowledge","style":"primary","text":{"emoji":true,"text":"Acknowledge","type":"plain_text"},"type":"button","#
        + #""value":"{\"alert_id\":\"a-1\",\"tenant\":\"acme\",\"token\":\"ack-token\"}"},"#
        + #"{"action_id":"resolve","style":"danger","text":{"emoji":true,"text":"Resolve","type":"plain_text"},"type":"button","#
        + #""value":"{\"alert_id\":\"a-1\",\"tenant\":\"acme\",\"token\":\"resolve-token\"}"}],"type":"actions"}],"#
        + ##""color":"#D0021B"}],"text":":red_circle: [CRITICAL] Disk full on db-1"}"##
    #expect(json == expected)
}

@Test func theMessageSaysWhoAcknowledgedAndLosesItsButtonsWhenResolved() {
    var alert = SlackFixtures.alert("a-2", severity: .warning)
    alert.status = .acknowledged
    alert.acknowledgedBy = "bob"
    alert.acknowledgedAt = Date(timeIntervalSince1970: 1_700_000_600)
    let acknowledged = SlackMessage.encode(.object(SlackMessage.content(for: SlackFixtures.dispatch("d-2", alert: alert, kind: .update, event: .acknowledged))))
    #expect(acknowledged.contains(#":eyes: *Acknowledged* by bob at 2023-11-14 22:23:20 UTC"#))
    #expect(!acknowledged.contains(#""action_id":"acknowledge""#), "no Acknowledge once acknowledged")
    #expect(acknowledged.contains(#""action_id":"resolve""#))
    #expect(acknowledged.contains(##""color":"#F8E71C""##))

    alert.status = .resolved
    alert.resolvedBy = "bob"
    alert.resolvedAt = Date(timeIntervalSince1970: 1_700_001_200)
    let resolved = SlackMessage.encode(.object(SlackMessage.content(for: SlackFixtures.dispatch("d-3", alert: alert, kind: .update, event: .resolved))))
    #expect(resolved.contains(#":white_check_mark: *Resolved* by bob at 2023-11-14 22:33:20 UTC"#))
    #expect(!resolved.contains("button"), "no buttons on a resolved alert")
}

@Test func slackControlCharactersAreEscapedAndLongTextIsCut() {
    var alert = SlackFixtures.alert("a-3")
    alert.summary = String(repeating: "x", count: 300)
    alert.details = ["query": .string("a < b && c > d")]
    let json = SlackMessage.encode(.object(SlackMessage.content(for: SlackFixtures.dispatch("d-4", alert: alert))))
    #expect(json.contains("a &lt; b &amp;&amp; c &gt; d"))
    let header = SlackMessage.content(for: SlackFixtures.dispatch("d-4", alert: alert))
    let text = header["attachments"]?.arrayValue?.first?.objectValue?["blocks"]?.arrayValue?.first?.objectValue?["text"]?.objectValue?["text"]?.stringValue
    #expect(text?.count == 150, "a header holds at most 150 characters")
}
