// Webhook bodies: the generic one on the hand-written JSON path is byte for byte what Foundation writes.
import Contracts
import Foundation
import Testing
@testable import WebhookGateway

@Test func theGenericBodyIsWhatFoundationWrites() throws {
    var alert = Alert(id: "a-1", tenant: "acme", dedupKey: "press/4", severity: .critical, summary: "Press 4 \"stopped\" / jammed",
                      category: "production", service: "press-line", source: "plc-7",
                      details: ["line": .string("4"), "temperature": .number(81.5), "ok": .bool(false), "nested": .object(["é": .array([.null])])],
                      links: [AlertLink(href: "https://example.test/runbook", text: "Runbook")],
                      createdAt: Date(timeIntervalSince1970: 1_790_000_000.123))
    alert.acknowledgedBy = "bob"
    let dispatch = DispatchRequest(dispatchId: "d-1", kind: .notify, event: .triggered, channel: "webhook",
                                   recipient: Recipient(kind: .service, service: "press-line", address: "receiver"),
                                   title: "CRITICAL: Press 4", body: "line 4\ttab\nnewline", severity: .critical, alert: alert)
    let now = Date(timeIntervalSince1970: 1_790_000_001.5)
    let fast = try WebhookPayload.body(for: dispatch, type: .generic, at: now)
    let content = WebhookPayload.Generic(type: "alert.triggered", timestamp: now,
                                         data: .init(dispatchId: "d-1", event: .triggered, title: dispatch.title, body: dispatch.body,
                                                     severity: .critical, alert: alert))
    var writer = JSONWriter()
    try content.writeJSON(to: &writer)
    let foundation = try JSONCoding.encoder().encode(content)
    #expect(String(decoding: writer.data, as: UTF8.self) == String(decoding: foundation, as: UTF8.self))
    #expect(fast == writer.data)
    #expect(fast.count > 300)
}

@Test func theGenericBodyIsWrittenExactlyAsPinned() throws {
    let alert = Alert(id: "a", tenant: "t", dedupKey: "k", severity: .warning, summary: "s", createdAt: Date(timeIntervalSince1970: 1_790_000_000))
    let dispatch = DispatchRequest(dispatchId: "d-1", kind: .notify, event: .acknowledged, channel: "webhook",
                                   recipient: Recipient(kind: .service, service: "press-line", address: "receiver"),
                                   title: "WARNING: s", body: "b/c", severity: .warning, alert: alert)
    let body = try WebhookPayload.body(for: dispatch, type: .generic, at: Date(timeIntervalSince1970: 1_790_000_001.5))
    #expect(String(decoding: body, as: UTF8.self) == #"{"data":{"alert":{"count":1,"created_at":"2026-09-21T14:13:20.000Z","dedup_key":"k","details":{},"format":"native","id":"a","last_seen_at":"2026-09-21T14:13:20.000Z","level":0,"links":[],"severity":"warning","status":"triggered","summary":"s","tenant":"t","updated_at":"2026-09-21T14:13:20.000Z"},"body":"b/c","dispatch_id":"d-1","event":"acknowledged","severity":"warning","title":"WARNING: s"},"timestamp":"2026-09-21T14:13:21.500Z","type":"alert.acknowledged"}"#)
}
