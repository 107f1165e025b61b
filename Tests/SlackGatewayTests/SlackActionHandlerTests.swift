// Button presses: a signed press from a known user becomes an ack; forged, replayed, expired, malformed, another
// tenant's or an unknown user's presses become a refusal with a reason, never an ack.
import Config
import Contracts
import Foundation
import SlackGateway
import Testing
import TestSupport

private func callback(team: String = "T0ACME", user: String = "U0BOB00001", action: String = "acknowledge", tenant: String = "acme",
                      alert: String = "a-1", actionTS: String = "1700000100.000200") -> Data {
    let value = #"{"alert_id":"\#(alert)","tenant":"\#(tenant)"}"#
    let payload: [String: Any] = [
        "type": "block_actions", "team": ["id": team, "domain": "acme"], "user": ["id": user, "team_id": team],
        "trigger_id": "trigger-1", "actions": [["action_id": action, "block_id": "alert_actions", "value": value, "action_ts": actionTS]],
    ]
    let json = String(decoding: try! JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return Data(("payload=" + json.addingPercentEncoding(withAllowedCharacters: allowed)!).utf8)
}

private func handler(_ name: String) throws -> SlackActionHandler {
    let config = try SlackFixtures.config(apiURL: "http://127.0.0.1:9/api", in: temporaryDirectory(name))
    return SlackActionHandler(config: { config }, environment: SlackFixtures.environment)
}

private let now = Date(timeIntervalSince1970: 1_700_000_100)

private func signed(_ body: Data, secret: String = "global-signing-secret", at time: Date = now) -> (String, String) {
    let timestamp = String(Int(time.timeIntervalSince1970))
    return (SlackSignature(secret: secret).sign(timestamp: timestamp, body: body), timestamp)
}

@Test func aSignedPressFromAKnownUserBecomesAnAck() throws {
    let handler = try handler("slack-actions-ok")
    let body = callback()
    let (signature, timestamp) = signed(body)
    let answer = handler.handle(signature: signature, timestamp: timestamp, body: body, now: now)
    #expect(answer.status == 200)
    #expect(answer.ack?.tenant == "acme" && answer.ack?.alertId == "a-1")
    #expect(answer.ack?.command == AckCommand(action: .acknowledge, by: "bob", via: "slack", id: "slack:T0ACME:U0BOB00001:1700000100.000200"))

    let resolve = callback(action: "resolve", actionTS: "1700000100.000300")
    let (resolveSignature, resolveTimestamp) = signed(resolve)
    #expect(handler.handle(signature: resolveSignature, timestamp: resolveTimestamp, body: resolve, now: now).ack?.command.action == .resolve)
}

@Test func forgedReplayedExpiredAndMalformedPressesAreRefusedWithAReason() throws {
    let handler = try handler("slack-actions-refused")
    let body = callback()
    let (signature, timestamp) = signed(body)

    let forged = handler.handle(signature: signed(body, secret: "guessed").0, timestamp: timestamp, body: body, now: now)
    #expect(forged.status == 401 && forged.ack == nil && forged.text.hasPrefix("forged"))

    let tampered = callback(action: "resolve")
    let changed = handler.handle(signature: signature, timestamp: timestamp, body: tampered, now: now)
    #expect(changed.status == 401 && changed.ack == nil)

    let expired = handler.handle(signature: signature, timestamp: timestamp, body: body, now: now.addingTimeInterval(301))
    #expect(expired.status == 401 && expired.ack == nil && expired.text.hasPrefix("expired"))

    let missing = handler.handle(signature: nil, timestamp: timestamp, body: body, now: now)
    #expect(missing.status == 401 && missing.ack == nil)

    #expect(handler.handle(signature: signature, timestamp: timestamp, body: body, now: now).ack != nil)
    let replayed = handler.handle(signature: signature, timestamp: timestamp, body: body, now: now.addingTimeInterval(1))
    #expect(replayed.status == 401 && replayed.ack == nil && replayed.text.hasPrefix("replayed"))

    // Signed, but not a callback the gateway understands.
    for garbage in [Data("payload=%7Bnot-json".utf8), Data("hello".utf8), Data("payload=%7B%22team%22%3A%7B%22id%22%3A%22T0ACME%22%7D%7D".utf8),
                    callback(action: "delete")] {
        let (garbageSignature, garbageTimestamp) = signed(garbage)
        let answer = handler.handle(signature: garbageSignature, timestamp: garbageTimestamp, body: garbage, now: now)
        #expect(answer.status == 400 && answer.ack == nil, "\(answer.text)")
    }
}

@Test func aTenantsWorkspaceIsCheckedWithItsOwnSecretAndActsOnlyOnItsOwnAlerts() throws {
    let handler = try handler("slack-actions-tenants")
    // Globex's team, signed with Globex's secret, by Gina: an ack in globex.
    let globex = callback(team: "T0GLOBEX", user: "U0GINA0001", tenant: "globex", alert: "g-1")
    let (signature, timestamp) = signed(globex, secret: "globex-signing-secret")
    let answer = handler.handle(signature: signature, timestamp: timestamp, body: globex, now: now)
    #expect(answer.ack?.tenant == "globex" && answer.ack?.command.by == "gina")

    // Globex's team signed with the global app's secret: refused.
    let (globalSignature, globalTimestamp) = signed(globex, secret: "global-signing-secret")
    #expect(handler.handle(signature: globalSignature, timestamp: globalTimestamp, body: globex, now: now).status == 401)

    // Globex's team pressing a button that names an acme alert: refused.
    let crossing = callback(team: "T0GLOBEX", user: "U0GINA0001", tenant: "acme", alert: "a-1", actionTS: "2")
    let (crossingSignature, crossingTimestamp) = signed(crossing, secret: "globex-signing-secret")
    let crossed = handler.handle(signature: crossingSignature, timestamp: crossingTimestamp, body: crossing, now: now)
    #expect(crossed.status == 400 && crossed.ack == nil)

    // The global app's workspace naming globex (which has its own): refused.
    let sideways = callback(team: "T0OTHER", user: "U0GINA0001", tenant: "globex", alert: "g-1", actionTS: "3")
    let (sidewaysSignature, sidewaysTimestamp) = signed(sideways)
    #expect(handler.handle(signature: sidewaysSignature, timestamp: sidewaysTimestamp, body: sideways, now: now).ack == nil)

    // A Slack user the directory does not know: nothing done, and Slack is told it went through (no retry).
    let stranger = callback(user: "U0STRANGER", actionTS: "4")
    let (strangerSignature, strangerTimestamp) = signed(stranger)
    let unknown = handler.handle(signature: strangerSignature, timestamp: strangerTimestamp, body: stranger, now: now)
    #expect(unknown.status == 200 && unknown.ack == nil && unknown.text.hasPrefix("unknown_user"))
}
