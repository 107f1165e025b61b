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
