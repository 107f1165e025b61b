// The exact bytes of every bus message type, full and bare, and that each reads back to the same value: the wire
// format is pinned independently of how the coding code is produced.
import Contracts
import Foundation
import Testing

private let goldenCreated = RFC3339.date(from: "2026-11-23T16:00:00.250Z")!
private let goldenLater = RFC3339.date(from: "2026-11-23T17:00:00Z")!

private let goldenFullAlert: Alert = {
    var alert = Alert(id: "a1", tenant: "acme", dedupKey: "press4-down", severity: .critical, summary: "Press 4 stopped",
                      category: "production", type: "machine_down", service: "press-line", source: "plc-7", deadline: goldenLater,
                      details: ["line": .number(4), "tags": .array([.string("x"), .null, .bool(true)]), "ratio": .number(0.5),
                                "nested": .object(["a": .string("b/c")])],
                      links: [AlertLink(href: "https://example.test/p4?a=1&b=2", text: "Panel"), AlertLink(href: "/relative")],
                      format: .pagerduty, createdAt: goldenCreated, count: 7)
    alert.status = .acknowledged
    alert.updatedAt = goldenLater
    alert.lastSeenAt = goldenLater
    alert.acknowledgedBy = "bob"
    alert.acknowledgedAt = goldenLater
    alert.resolvedBy = "carol"
    alert.resolvedAt = goldenLater
    alert.level = 3
    alert.nextEscalationAt = goldenLater
    return alert
}()

private let goldenBareAlert = Alert(id: "b", tenant: "t", dedupKey: "k", severity: .info, summary: "", createdAt: goldenLater)

private let goldenRecipient = Recipient(kind: .user, user: "alice", service: "press-line", address: "+41 79 000 00 00", name: "Alice")

private let goldenDispatch = DispatchRequest(
    dispatchId: "d1", kind: .notify, event: .triggered, channel: "webhook", recipient: goldenRecipient,
    title: "[CRITICAL] Press 4 stopped", body: "Line 4\n\"see panel\"", severity: .critical, priority: "P1",
    links: [AlertLink(href: "h", text: "t")],
    actions: [ActionLink(action: .acknowledge, token: "tok.en/+=", url: "https://x.test/a"), ActionLink(action: .resolve, token: "t2")],
    alert: goldenBareAlert, providerRef: "C123:1700000000.000100")

private let goldenBareDispatch = DispatchRequest(dispatchId: "d", kind: .update, event: .resolved, channel: "sms",
                                           recipient: Recipient(kind: .service, address: "a"), title: "", body: "", severity: .info,
                                           alert: goldenBareAlert)

private let goldenReceipt = DeliveryReceipt(dispatchId: "d1", alertId: "a1", channel: "webhook", status: .failed, attempt: 3, httpStatus: 503,
                                          error: "HTTP 503", providerRef: "ref", recipient: Recipient(kind: .user, user: "u", address: "x"))
private let goldenBareReceipt = DeliveryReceipt(dispatchId: "d", alertId: "a", channel: "c", status: .delivered, attempt: 1)

private let goldenStep = EscalationStepTaken(
    alertId: "a1", level: 2, cause: EscalationCause(kind: .policyStep, policy: "p", step: 2, repeatNumber: 0, percent: 80),
    targets: [EscalationTargetRef(schedule: "s", team: "ops", onlyLead: true, role: "lead", user: "u"), EscalationTargetRef()],
    channels: ["sms", "voice"], reason: "no answer", by: "escalator", dueAt: goldenCreated, nextDueAt: goldenLater)
private let goldenBareStep = EscalationStepTaken(alertId: "a", level: 0, cause: EscalationCause(kind: .manual), targets: [], dueAt: goldenLater)

private let goldenInbox = InboxSnapshot(user: "alice", unread: 1, items: [
    InboxItem(id: "i", alertId: "a1", title: "t", body: "b", severity: .warning, at: goldenCreated),
    InboxItem(id: "j", alertId: "a2", title: "", body: "", severity: .error, at: goldenLater, read: true),
])

private func text<T: JSONFastEncodable>(_ value: T) throws -> String {
    var writer = JSONWriter()
    try value.writeJSON(to: &writer)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// Written exactly as `json`, through the writer and through `JSONCoding`, and read back to the same value.
private func expectGolden<T: JSONFastCodable & Encodable & Decodable & Equatable>(_ value: T, _ json: String,
                                                                              sourceLocation: SourceLocation = #_sourceLocation) throws {
    let written = try text(value)
    #expect(written == json, "\(T.self) now writes \(written)", sourceLocation: sourceLocation)
    #expect(String(decoding: try JSONCoding.encode(value), as: UTF8.self) == json, sourceLocation: sourceLocation)
    #expect(try JSONReader.decode(T.self, from: Data(json.utf8)) == value, sourceLocation: sourceLocation)
    #expect(try JSONCoding.decode(T.self, from: Data(json.utf8)) == value, sourceLocation: sourceLocation)
}

@Test func alertIsWrittenExactlyAsPinned() throws {
    try expectGolden(goldenFullAlert, #"{"acknowledged_at":"2026-11-23T17:00:00.000Z","acknowledged_by":"bob","category":"production","count":7,"created_at":"2026-11-23T16:00:00.250Z","deadline":"2026-11-23T17:00:00.000Z","dedup_key":"press4-down","details":{"line":4,"nested":{"a":"b/c"},"ratio":0.5,"tags":["x",null,true]},"format":"pagerduty","id":"a1","last_seen_at":"2026-11-23T17:00:00.000Z","level":3,"links":[{"href":"https://example.test/p4?a=1&b=2","text":"Panel"},{"href":"/relative"}],"next_escalation_at":"2026-11-23T17:00:00.000Z","resolved_at":"2026-11-23T17:00:00.000Z","resolved_by":"carol","service":"press-line","severity":"critical","source":"plc-7","status":"acknowledged","summary":"Press 4 stopped","tenant":"acme","type":"machine_down","updated_at":"2026-11-23T17:00:00.000Z"}"#)
    try expectGolden(goldenBareAlert, #"{"count":1,"created_at":"2026-11-23T17:00:00.000Z","dedup_key":"k","details":{},"format":"native","id":"b","last_seen_at":"2026-11-23T17:00:00.000Z","level":0,"links":[],"severity":"info","status":"triggered","summary":"","tenant":"t","updated_at":"2026-11-23T17:00:00.000Z"}"#)
    try expectGolden(AlertLink(href: "h"), #"{"href":"h"}"#)
}

@Test func alertEventIsWrittenExactlyAsPinned() throws {
    try expectGolden(AlertEvent(kind: .acknowledged, alert: goldenBareAlert, by: "bob", via: "slack", reason: "r", note: "n"), #"{"alert":{"count":1,"created_at":"2026-11-23T17:00:00.000Z","dedup_key":"k","details":{},"format":"native","id":"b","last_seen_at":"2026-11-23T17:00:00.000Z","level":0,"links":[],"severity":"info","status":"triggered","summary":"","tenant":"t","updated_at":"2026-11-23T17:00:00.000Z"},"by":"bob","kind":"acknowledged","note":"n","reason":"r","via":"slack"}"#)
    try expectGolden(AlertEvent(kind: .triggered, alert: goldenBareAlert), #"{"alert":{"count":1,"created_at":"2026-11-23T17:00:00.000Z","dedup_key":"k","details":{},"format":"native","id":"b","last_seen_at":"2026-11-23T17:00:00.000Z","level":0,"links":[],"severity":"info","status":"triggered","summary":"","tenant":"t","updated_at":"2026-11-23T17:00:00.000Z"},"kind":"triggered"}"#)
}

@Test func ackCommandIsWrittenExactlyAsPinned() throws {
    try expectGolden(AckCommand(action: .escalate, by: "bob", via: "sms", reason: "why", note: "note", id: "m1"), #"{"action":"escalate","by":"bob","id":"m1","note":"note","reason":"why","via":"sms"}"#)
    try expectGolden(AckCommand(action: .read), #"{"action":"read"}"#)
}

@Test func dispatchRequestIsWrittenExactlyAsPinned() throws {
    try expectGolden(goldenDispatch, #"{"actions":[{"action":"acknowledge","token":"tok.en/+=","url":"https://x.test/a"},{"action":"resolve","token":"t2"}],"alert":{"count":1,"created_at":"2026-11-23T17:00:00.000Z","dedup_key":"k","details":{},"format":"native","id":"b","last_seen_at":"2026-11-23T17:00:00.000Z","level":0,"links":[],"severity":"info","status":"triggered","summary":"","tenant":"t","updated_at":"2026-11-23T17:00:00.000Z"},"body":"Line 4\n\"see panel\"","channel":"webhook","dispatch_id":"d1","event":"triggered","kind":"notify","links":[{"href":"h","text":"t"}],"priority":"P1","provider_ref":"C123:1700000000.000100","recipient":{"address":"+41 79 000 00 00","kind":"user","name":"Alice","service":"press-line","user":"alice"},"severity":"critical","title":"[CRITICAL] Press 4 stopped"}"#)
    try expectGolden(goldenBareDispatch, #"{"actions":[],"alert":{"count":1,"created_at":"2026-11-23T17:00:00.000Z","dedup_key":"k","details":{},"format":"native","id":"b","last_seen_at":"2026-11-23T17:00:00.000Z","level":0,"links":[],"severity":"info","status":"triggered","summary":"","tenant":"t","updated_at":"2026-11-23T17:00:00.000Z"},"body":"","channel":"sms","dispatch_id":"d","event":"resolved","kind":"update","links":[],"recipient":{"address":"a","kind":"service"},"severity":"info","title":""}"#)
    try expectGolden(goldenRecipient, #"{"address":"+41 79 000 00 00","kind":"user","name":"Alice","service":"press-line","user":"alice"}"#)
    try expectGolden(ActionLink(action: .note, token: "t"), #"{"action":"note","token":"t"}"#)
}

@Test func deliveryReceiptsAreWrittenExactlyAsPinned() throws {
    try expectGolden(goldenReceipt, #"{"alert_id":"a1","attempt":3,"channel":"webhook","dispatch_id":"d1","error":"HTTP 503","http_status":503,"provider_ref":"ref","recipient":{"address":"x","kind":"user","user":"u"},"status":"failed"}"#)
    try expectGolden(goldenBareReceipt, #"{"alert_id":"a","attempt":1,"channel":"c","dispatch_id":"d","status":"delivered"}"#)
    try expectGolden(DeliveryReceipts(receipts: [goldenReceipt, goldenBareReceipt]), #"{"receipts":[{"alert_id":"a1","attempt":3,"channel":"webhook","dispatch_id":"d1","error":"HTTP 503","http_status":503,"provider_ref":"ref","recipient":{"address":"x","kind":"user","user":"u"},"status":"failed"},{"alert_id":"a","attempt":1,"channel":"c","dispatch_id":"d","status":"delivered"}]}"#)
    try expectGolden(DeliveryReceipts(receipts: []), #"{"receipts":[]}"#)
}

@Test func escalationStepIsWrittenExactlyAsPinned() throws {
    try expectGolden(goldenStep, #"{"alert_id":"a1","by":"escalator","cause":{"kind":"policy_step","percent":80,"policy":"p","repeat":0,"step":2},"channels":["sms","voice"],"due_at":"2026-11-23T16:00:00.250Z","level":2,"next_due_at":"2026-11-23T17:00:00.000Z","reason":"no answer","targets":[{"only_lead":true,"role":"lead","schedule":"s","team":"ops","user":"u"},{}]}"#)
    try expectGolden(goldenBareStep, #"{"alert_id":"a","cause":{"kind":"manual"},"due_at":"2026-11-23T17:00:00.000Z","level":0,"targets":[]}"#)
    try expectGolden(EscalationTargetRef(onlyLead: false), #"{"only_lead":false}"#)
    try expectGolden(EscalationCause(kind: .deadlineThreshold, percent: 50), #"{"kind":"deadline_threshold","percent":50}"#)
}

@Test func inboxSnapshotIsWrittenExactlyAsPinned() throws {
    try expectGolden(goldenInbox, #"{"items":[{"alert_id":"a1","at":"2026-11-23T16:00:00.250Z","body":"b","id":"i","read":false,"severity":"warning","title":"t"},{"alert_id":"a2","at":"2026-11-23T17:00:00.000Z","body":"","id":"j","read":true,"severity":"error","title":""}],"unread":1,"user":"alice"}"#)
    try expectGolden(InboxSnapshot(user: "u", unread: 0, items: []), #"{"items":[],"unread":0,"user":"u"}"#)
}

@Test func rejectionIsWrittenExactlyAsPinned() throws {
    try expectGolden(Rejection(reason: .unknownSeverity, message: "bad", field: "severity", topic: "alerting/in/acme/x", excerpt: "{\"a\":\u{1}}"), #"{"excerpt":"{\"a\":\u0001}","field":"severity","message":"bad","reason":"unknown_severity","topic":"alerting/in/acme/x"}"#)
    try expectGolden(Rejection(reason: .oversize, message: "m", topic: "t", excerpt: ""), #"{"excerpt":"","message":"m","reason":"oversize","topic":"t"}"#)
}

@Test func envelopeIsWrittenExactlyAsPinned() throws {
    try expectGolden(Envelope(id: "e1", source: "alerting/test", tenant: "acme", time: goldenCreated, data: goldenBareReceipt), #"{"data":{"alert_id":"a","attempt":1,"channel":"c","dispatch_id":"d","status":"delivered"},"datacontenttype":"application/json","dataversion":1,"id":"e1","source":"alerting/test","specversion":"1.0","tenant":"acme","time":"2026-11-23T16:00:00.250Z","type":"alerting.receipt"}"#)
    try expectGolden(Envelope(id: "e2", source: "alerting/escalator", tenant: "acme", time: goldenLater, data: goldenBareStep), #"{"data":{"alert_id":"a","cause":{"kind":"manual"},"due_at":"2026-11-23T17:00:00.000Z","level":0,"targets":[]},"datacontenttype":"application/json","dataversion":1,"id":"e2","source":"alerting/escalator","specversion":"1.0","tenant":"acme","time":"2026-11-23T17:00:00.000Z","type":"alerting.escalation.step"}"#)
}
