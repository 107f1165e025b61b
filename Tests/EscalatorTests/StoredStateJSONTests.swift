// The escalator's state row on the hand-written JSON path: Foundation's bytes, and both read each other's.
import Contracts
import Foundation
import Testing
@testable import Escalator

@Test func theStoredStateIsWrittenAndReadLikeFoundationDoes() throws {
    var alert = Alert(id: "a-1", tenant: "acme", dedupKey: "k", severity: .warning, summary: "Line \"4\" down",
                      details: ["line": .number(4), "zone": .string("B/2")], createdAt: Date(timeIntervalSince1970: 1_790_000_000.25))
    alert.level = 2
    alert.nextEscalationAt = Date(timeIntervalSince1970: 1_790_000_300)
    let state = EscalationRecords.StoredState(alert: alert, status: .escalated, level: 2, deadlineLevel: 1)

    var writer = JSONWriter()
    try state.writeJSON(to: &writer)
    let foundation = try JSONCoding.encoder().encode(state)
    #expect(String(decoding: writer.data, as: UTF8.self) == String(decoding: foundation, as: UTF8.self))

    let fast = try JSONReader.decode(EscalationRecords.StoredState.self, from: foundation)
    #expect(fast == state)
    #expect(try JSONCoding.decoder().decode(EscalationRecords.StoredState.self, from: writer.data) == state)
    #expect(throws: (any Error).self) {
        try JSONReader.decode(EscalationRecords.StoredState.self, from: Data(#"{"alert":{},"status":"escalated","level":1}"#.utf8))
    }
}

@Test func attentionEntriesAreWrittenLikeFoundationDoes() throws {
    let entries = [
        AttentionEntry(at: Date(timeIntervalSince1970: 1_790_000_000.5), kind: .triggered),
        AttentionEntry(at: Date(timeIntervalSince1970: 1_790_000_060), kind: .step, level: 1,
                       cause: EscalationCause(kind: .policyStep, policy: "default", step: 2),
                       targets: [EscalationTargetRef(user: "bob"), EscalationTargetRef(team: "ops", onlyLead: true)], channels: ["sms", "slack"], by: "escalator", reason: "no ack"),
    ]
    for entry in entries {
        var writer = JSONWriter()
        try entry.writeJSON(to: &writer)
        #expect(String(decoding: writer.data, as: UTF8.self) == String(decoding: try JSONCoding.encoder().encode(entry), as: UTF8.self))
    }
}

@Test func theStoredStateAndAttentionEntriesAreWrittenExactlyAsPinned() throws {
    func text<T: JSONFastEncodable>(_ value: T) throws -> String {
        var writer = JSONWriter()
        try value.writeJSON(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
    let at = Date(timeIntervalSince1970: 1_790_000_000.5)
    let alert = Alert(id: "a", tenant: "t", dedupKey: "k", severity: .info, summary: "s", createdAt: at)
    let state = EscalationRecords.StoredState(alert: alert, status: .acknowledged, level: 3, deadlineLevel: 1)
    let stateText = try text(state)
    #expect(stateText == #"{"alert":{"count":1,"created_at":"2026-09-21T14:13:20.500Z","dedup_key":"k","details":{},"format":"native","id":"a","last_seen_at":"2026-09-21T14:13:20.500Z","level":0,"links":[],"severity":"info","status":"triggered","summary":"s","tenant":"t","updated_at":"2026-09-21T14:13:20.500Z"},"deadlineLevel":1,"level":3,"status":"acknowledged"}"#)
    #expect(try JSONCoding.decode(EscalationRecords.StoredState.self, from: Data(try text(state).utf8)) == state)
    let full = AttentionEntry(at: at, kind: .step, level: 1, cause: EscalationCause(kind: .policyStep, policy: "default", step: 2),
                              targets: [EscalationTargetRef(user: "bob")], channels: ["sms"], by: "escalator", reason: "no ack")
    let fullText = try text(full)
    let bareText = try text(AttentionEntry(at: at, kind: .expired))
    #expect(fullText == #"{"at":"2026-09-21T14:13:20.500Z","by":"escalator","cause":{"kind":"policy_step","policy":"default","step":2},"channels":["sms"],"kind":"step","level":1,"reason":"no ack","targets":[{"user":"bob"}]}"#)
    #expect(bareText == #"{"at":"2026-09-21T14:13:20.500Z","kind":"expired","targets":[]}"#)
    #expect(try JSONCoding.decode(AttentionEntry.self, from: Data(try text(full).utf8)) == full)
}
