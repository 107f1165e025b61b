// Round trips of every bus message in its envelope, tolerance of unknown fields, and the topic layout.
import Contracts
import Foundation
import Testing

private let now = RFC3339.date(from: "2026-11-23T16:00:00.250Z")!

private func sampleAlert() -> Alert {
    var alert = Alert(id: "a1", tenant: "acme", dedupKey: "press4-down", severity: .critical, summary: "Press 4 stopped",
                      category: "production", type: "machine_down", service: "press-line", source: "plc-7",
                      deadline: RFC3339.date(from: "2026-11-23T17:00:00Z"), details: ["line": .number(4), "tags": .array([.string("x"), .null])],
                      links: [AlertLink(href: "https://example.test/p4", text: "Panel")], createdAt: now)
    alert.acknowledgedBy = "bob"
    return alert
}

private func roundTrip<P: EnvelopePayload>(_ payload: P) throws -> Envelope<P> {
    let envelope = Envelope(source: "alerting/test", tenant: "acme", time: now, data: payload)
    let decoded = try Envelope<P>.decode(try envelope.encoded())
    #expect(decoded == envelope)
    return decoded
}

@Test func everyPayloadRoundTrips() throws {
    let alert = sampleAlert()
    _ = try roundTrip(alert)
    _ = try roundTrip(AlertEvent(kind: .acknowledged, alert: alert, by: "bob", via: "slack"))
    _ = try roundTrip(Rejection(reason: .unknownSeverity, message: "bad", field: "severity", topic: "alerting/in/acme/x", excerpt: "{}"))
    _ = try roundTrip(EscalationStepTaken(alertId: "a1", level: 2, cause: EscalationCause(kind: .policyStep, policy: "p", step: 2, repeatNumber: 1),
                                          targets: [EscalationTargetRef(team: "ops", onlyLead: true)], channels: ["sms"], dueAt: now, nextDueAt: now))
    _ = try roundTrip(DispatchRequest(dispatchId: "d1", kind: .notify, event: .triggered, channel: "webhook",
                                      recipient: Recipient(kind: .service, service: "press-line", address: "ticketing"),
                                      title: "t", body: "b", severity: .critical, actions: [ActionLink(action: .acknowledge, token: "tok")], alert: alert))
    _ = try roundTrip(DeliveryReceipt(dispatchId: "d1", alertId: "a1", channel: "webhook", status: .failed, attempt: 3, httpStatus: 503, error: "HTTP 503"))
    _ = try roundTrip(InboxSnapshot(user: "alice", unread: 1, items: [InboxItem(id: "i", alertId: "a1", title: "t", body: "b", severity: .info, at: now)]))
}

@Test func envelopeUsesCloudEventsAttributeNames() throws {
    let data = try Envelope(source: "alerting/ingest", tenant: "acme", time: now, data: sampleAlert()).encoded()
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["specversion"] as? String == "1.0")
    #expect(object["type"] as? String == "alerting.alert.state")
    #expect(object["source"] as? String == "alerting/ingest")
    #expect(object["time"] as? String == "2026-11-23T16:00:00.250Z")
    #expect(object["tenant"] as? String == "acme")
    #expect(object["dataversion"] as? Int == 1)
    let alert = try #require(object["data"] as? [String: Any])
    #expect(alert["dedup_key"] as? String == "press4-down")
    #expect(alert["acknowledged_by"] as? String == "bob")
}

@Test func unknownFieldsAreTolerated() throws {
    let json = """
    {"specversion":"1.0","id":"e1","type":"alerting.receipt","source":"x","time":"2026-11-23T16:00:00Z","tenant":"acme",
     "future_attribute":{"nested":true},
     "data":{"dispatch_id":"d","alert_id":"a","channel":"sms","status":"delivered","attempt":1,"carrier":"new field"}}
    """
    let envelope = try Envelope<DeliveryReceipt>.decode(Data(json.utf8))
    #expect(envelope.data.status == .delivered)
    #expect(envelope.dataversion == 1)
}

@Test func wrongEnvelopeTypeIsRefused() throws {
    let data = try Envelope(source: "x", tenant: "acme", time: now, data: sampleAlert()).encoded()
    #expect(throws: ContractError.self) { try Envelope<DeliveryReceipt>.decode(data) }
}

@Test func timesAcceptOffsetsAndNoFraction() {
    #expect(RFC3339.date(from: "2026-11-23T17:00:00Z") == RFC3339.date(from: "2026-11-23T18:00:00+01:00"))
    #expect(RFC3339.date(from: "2026-11-23T17:00:00.5Z")!.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) == 0.5)
    #expect(RFC3339.date(from: "yesterday") == nil)
}

@Test func topicsBuildAndParse() {
    let topics = Topics(root: "alerting")
    #expect(topics.intake(tenant: "acme", source: "plc-7") == "alerting/in/acme/plc-7")
    #expect(topics.dispatch(channel: "webhook", tenant: "acme") == "alerting/dispatch/webhook/acme")
    let parsed = topics.parse("alerting/in/acme/line/plc-7")
    #expect(parsed?.kind == "in")
    #expect(parsed?.tenant == "acme")
    #expect(parsed?.rest == ["line", "plc-7"])
    #expect(topics.parse("other/in/acme") == nil)
    #expect(topics.parse("alerting/in") == nil)
    #expect(Topics.shared(group: "g", "alerting/dispatch/webhook/+") == "$share/g/alerting/dispatch/webhook/+")
    #expect(!Topics.isValidSegment("a/b") && !Topics.isValidSegment("#") && Topics.isValidSegment("acme"))
}

@Test func partitionsSplitTenantsStably() {
    #expect(Partition("1/3") == Partition(index: 1, count: 3))
    #expect(Partition("3/3") == nil)
    // FNV-1a 64 of "acme", computed independently: the hash must never change between releases.
    #expect(Partition.stableHash("acme") == 0x724d383f4f6de0f)
    let tenants = (0..<300).map { "tenant-\($0)" }
    let parts = (0..<3).map { Partition(index: $0, count: 3) }
    for tenant in tenants { #expect(parts.filter { $0.owns(tenant: tenant) }.count == 1) }
    #expect(parts.allSatisfy { part in tenants.filter(part.owns(tenant:)).count > 50 })
}

@Test func derivedIDsAreStableAndDistinct() {
    #expect(MessageID.derived("e1", "webhook", "x") == MessageID.derived("e1", "webhook", "x"))
    #expect(MessageID.derived("e1", "webhook", "x") != MessageID.derived("e1", "webhookx", ""))
    #expect(MessageID.make() != MessageID.make())
}

@Test func idsDerivedFromTimeOrderedIDsKeepTheirTimePrefix() throws {
    let earlier = "19ab3c4d5e6-00000000abcd", later = "19ab3c4d5e7-0000000000ff"
    let first = MessageID.derived(earlier, "webhook", "u1"), second = MessageID.derived(later, "email", "u2")
    #expect(first.hasPrefix("19ab3c4d5e6-"))
    #expect(first < second, "ids derived from later messages sort after those from earlier ones")
    // Derived from a derived id (failover, receipts): still the same prefix, still distinct.
    #expect(MessageID.derived(first, "receipt").hasPrefix("19ab3c4d5e6-"))
    #expect(MessageID.derived(first, "receipt") != MessageID.derived(first, "sms"))
    // Stable, and parts that are not time-ordered ids give the plain hash.
    #expect(first == MessageID.derived(earlier, "webhook", "u1"))
    #expect(!MessageID.derived("alert-1", "x").contains("-"))
    #expect(!MessageID.derived("XYZ12345-1", "x").contains("-"))
    let made = MessageID.make()
    let prefix = try #require(made.split(separator: "-").first)
    #expect(MessageID.derived(made, "x").hasPrefix(prefix + "-"))
}

@Test func severityOrdersByUrgency() {
    #expect(Severity.critical > Severity.warning)
    #expect(Severity.info < Severity.error)
}

@Test func theTypeOfAnEnvelopeIsReadWithoutItsPayload() throws {
    let single = try Envelope(source: "gw", tenant: "acme",
                              data: DeliveryReceipt(dispatchId: "d", alertId: "a", channel: "webhook", status: .sent, attempt: 1)).encoded()
    let batch = try Envelope(source: "gw", tenant: "acme", data: DeliveryReceipts(receipts: [])).encoded()
    #expect(EnvelopeType.of(single) == "alerting.receipt")
    #expect(EnvelopeType.of(batch) == "alerting.receipts")
    #expect(EnvelopeType.of(Data(#"{"data":{"type":"inner"},"type":"outer"}"#.utf8)) == "outer", "only the top-level key counts")
    #expect(EnvelopeType.of(Data(#"{"data":{}}"#.utf8)) == nil)
    #expect(EnvelopeType.of(Data(#"{"type":7}"#.utf8)) == nil)
    #expect(EnvelopeType.of(Data("not json".utf8)) == nil)
    #expect(EnvelopeType.of(Data("[1,2]".utf8)) == nil)
}
