// Normalization of the three intake shapes, and the rejection of bad input with reason and field path.
import Contracts
import Foundation
import Testing
@testable import Ingest

private let normalizer = IntakeNormalizer(maxPayloadBytes: 65536)

private func normalize(_ json: String) -> Result<[AlertIntake], MessageRejection> { normalizer.normalize(Data(json.utf8)) }

private func accepted(_ json: String) throws -> [AlertIntake] {
    switch normalize(json) {
    case .success(let intakes): return intakes
    case .failure(let rejection): Issue.record("rejected: \(rejection)"); throw rejection
    }
}

private func rejection(_ json: String) -> MessageRejection? {
    if case .failure(let rejection) = normalize(json) { return rejection }
    return nil
}

@Test func nativeShapeKeepsEveryField() throws {
    let intake = try #require(try accepted("""
        {"action": "trigger", "dedup_key": "press4-down", "category": "production", "type": "machine_down",
         "severity": "critical", "summary": "Press 4 stopped", "service": "press-line", "source": "plc-7",
         "deadline": "2026-11-23T17:00:00Z", "details": {"line": 4}, "links": [{"href": "https://example.test/p4", "text": "Panel"}],
         "shift": "night"}
        """).first)
    #expect(intake.action == .trigger)
    #expect(intake.dedupKey == "press4-down")
    #expect(intake.severity == .critical)
    #expect(intake.summary == "Press 4 stopped")
    #expect(intake.category == "production" && intake.type == "machine_down")
    #expect(intake.service == "press-line" && intake.source == "plc-7")
    #expect(intake.deadline == RFC3339.date(from: "2026-11-23T17:00:00Z"))
    #expect(intake.details["line"] == .number(4))
    #expect(intake.details["shift"] == .string("night"), "fields beyond the known ones are kept in details")
    #expect(intake.links == [AlertLink(href: "https://example.test/p4", text: "Panel")])
    #expect(intake.format == .native)
}

@Test func nativeDefaults() throws {
    let intake = try #require(try accepted(#"{"summary": "Disk full"}"#).first)
    #expect(intake.action == .trigger)
    #expect(intake.severity == .error)
    #expect(intake.dedupKey == nil)
    let resolve = try #require(try accepted(#"{"action": "resolve", "dedup_key": "k"}"#).first)
    #expect(resolve.action == .resolve)
}

@Test func pagerDutyShapeIsMapped() throws {
    let intake = try #require(try accepted("""
        {"routing_key": "R0UTINGKEY", "event_action": "trigger", "dedup_key": "srv01/HTTP",
         "payload": {"summary": "DISK at 99% on machine prod-datapipe03", "source": "prod-datapipe03.example.com",
                     "severity": "critical", "component": "mysql", "group": "prod-datapipe", "class": "disk",
                     "custom_details": {"free space": "1%"}},
         "links": [{"href": "https://example.com/", "text": "Link text"}], "client": "Monitoring", "client_url": "https://monitoring.example.com"}
        """).first)
    #expect(intake.format == .pagerduty)
    #expect(intake.dedupKey == "srv01/HTTP")
    #expect(intake.summary == "DISK at 99% on machine prod-datapipe03")
    #expect(intake.source == "prod-datapipe03.example.com")
    #expect(intake.service == "mysql" && intake.category == "prod-datapipe" && intake.type == "disk")
    #expect(intake.details["free space"] == .string("1%"))
    #expect(intake.details["routing_key"] == nil, "the routing key is a credential: never kept")
    #expect(intake.links.count == 2)
    let ack = try #require(try accepted(#"{"routing_key": "R", "event_action": "acknowledge", "dedup_key": "srv01/HTTP"}"#).first)
    #expect(ack.action == .acknowledge && ack.dedupKey == "srv01/HTTP")
}

@Test func alertmanagerShapeGivesOneAlertPerEntry() throws {
    let intakes = try accepted("""
        {"version": "4", "groupKey": "{}:{alertname=\\"HighLatency\\"}", "truncatedAlerts": 0, "status": "firing", "receiver": "alerting",
         "groupLabels": {"alertname": "HighLatency"}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am.example.test",
         "alerts": [
           {"status": "firing", "labels": {"alertname": "HighLatency", "severity": "page", "service": "press-line", "instance": "web-1"},
            "annotations": {"summary": "p99 latency above 2s"}, "startsAt": "2026-11-23T16:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prom.example.test/graph", "fingerprint": "c9ab1"},
           {"status": "resolved", "labels": {"alertname": "DiskFull"}, "annotations": {}, "fingerprint": "d00d"}
         ]}
        """)
    #expect(intakes.count == 2)
    #expect(intakes[0].format == .alertmanager)
    #expect(intakes[0].action == .trigger && intakes[0].dedupKey == "c9ab1")
    #expect(intakes[0].severity == .critical)
    #expect(intakes[0].summary == "p99 latency above 2s")
    #expect(intakes[0].service == "press-line" && intakes[0].source == "web-1" && intakes[0].type == "HighLatency")
    #expect(intakes[0].links.map(\.href) == ["http://prom.example.test/graph", "http://am.example.test"])
    #expect(intakes[1].action == .resolve && intakes[1].dedupKey == "d00d" && intakes[1].summary == "DiskFull")
    #expect(intakes[1].quietIfUnknown)
}

@Test func alertmanagerWithoutFingerprintGetsAStableOne() throws {
    let json = #"{"version":"4","status":"firing","receiver":"r","alerts":[{"labels":{"alertname":"A","job":"j"},"annotations":{}}]}"#
    let first = try #require(try accepted(json).first?.dedupKey)
    let again = try #require(try accepted(json).first?.dedupKey)
    #expect(first == again)
}

@Test(arguments: [
    ("not json at all", RejectionReason.malformedJSON, nil as String?),
    (#"{"summary": "x""#, .malformedJSON, nil),
    ("[1, 2]", .notAnObject, nil),
    (#""just a string""#, .notAnObject, nil),
    ("{}", .missingField, "summary"),
    (#"{"summary": "   "}"#, .invalidValue, "summary"),
    (#"{"summary": 42}"#, .wrongType, "summary"),
    (#"{"summary": "x", "severity": "urgent"}"#, .unknownSeverity, "severity"),
    (#"{"summary": "x", "severity": 3}"#, .wrongType, "severity"),
    (#"{"summary": "x", "action": "explode"}"#, .unknownAction, "action"),
    (#"{"action": "resolve"}"#, .missingField, "dedup_key"),
    (#"{"summary": "x", "deadline": "tomorrow"}"#, .invalidValue, "deadline"),
    (#"{"summary": "x", "details": [1]}"#, .wrongType, "details"),
    (#"{"summary": "x", "links": [{"text": "no href"}]}"#, .missingField, "links[0].href"),
    (#"{"summary": "x", "links": "http://x"}"#, .wrongType, "links"),
    (#"{"event_action": "trigger", "payload": {"summary": "x", "source": "s"}}"#, .missingField, "payload.severity"),
    (#"{"event_action": "trigger", "payload": {"summary": "x", "source": "s", "severity": "bad"}}"#, .unknownSeverity, "payload.severity"),
    (#"{"routing_key": "r", "event_action": "trigger"}"#, .missingField, "payload"),
    (#"{"routing_key": "r", "event_action": "poke"}"#, .unknownAction, "event_action"),
    (#"{"version": "4", "receiver": "r", "alerts": []}"#, .invalidValue, "alerts"),
    (#"{"version": "4", "receiver": "r", "alerts": [7]}"#, .wrongType, "alerts[0]"),
    (#"{"version": "4", "receiver": "r", "alerts": [{"labels": {"a": 1}}]}"#, .wrongType, "alerts[0].labels.a"),
    (#"{"version": "4", "receiver": "r", "alerts": [{"labels": {}, "annotations": {}}]}"#, .missingField, "alerts[0].annotations.summary"),
    (#"{"version": "4", "receiver": "r", "alerts": [{"status": "odd", "labels": {"alertname": "A"}}]}"#, .invalidValue, "alerts[0].status"),
])
func badInputIsRejectedWithReasonAndField(json: String, reason: RejectionReason, field: String?) {
    let rejection = rejection(json)
    #expect(rejection?.reason == reason, "\(json)")
    #expect(rejection?.field == field, "\(json)")
    #expect(rejection?.message.isEmpty == false)
}

@Test func oversizePayloadIsRefusedBeforeParsing() {
    let small = IntakeNormalizer(maxPayloadBytes: 100)
    // Not even valid JSON: the size check comes first.
    let result = small.normalize(Data(repeating: UInt8(ascii: "{"), count: 101))
    guard case .failure(let rejection) = result else { Issue.record("accepted"); return }
    #expect(rejection.reason == .oversize)
}

@Test func deeplyNestedAndInvalidUTF8DoNotCrash() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(rejection(deep) != nil)
    var bytes = Data(#"{"summary": ""#.utf8)
    bytes.append(contentsOf: [0xFF, 0xFE, 0xC3])
    bytes.append(contentsOf: Data(#""}"#.utf8))
    if case .success = normalizer.normalize(bytes) { Issue.record("invalid UTF-8 accepted") }
}

@Test func summariesAndDedupKeysOverPagerDutysLimitsAreRefusedWithTheirField() throws {
    let long = String(repeating: "x", count: 1025), longKey = String(repeating: "k", count: 256)
    let cases: [(String, String)] = [
        (#"{"summary": "\#(long)"}"#, "summary"),
        (#"{"summary": "s", "dedup_key": "\#(longKey)"}"#, "dedup_key"),
        (#"{"routing_key": "r", "event_action": "trigger", "dedup_key": "\#(longKey)", "payload": {"summary": "s", "source": "x", "severity": "info"}}"#, "dedup_key"),
        (#"{"routing_key": "r", "event_action": "trigger", "payload": {"summary": "\#(long)", "source": "x", "severity": "info"}}"#, "payload.summary"),
        (#"{"version": "4", "status": "firing", "alerts": [{"status": "firing", "labels": {"alertname": "a"}}, {"status": "firing", "labels": {"alertname": "b"}, "annotations": {"summary": "\#(long)"}}]}"#,
         "alerts[1].annotations.summary"),
        (#"{"version": "4", "status": "firing", "alerts": [{"status": "firing", "fingerprint": "\#(longKey)", "labels": {"alertname": "a"}}]}"#, "alerts[0].fingerprint"),
    ]
    for (json, field) in cases {
        let refused = try #require(rejection(json), "accepted: \(json.prefix(80))")
        #expect(refused.reason == .tooLong)
        #expect(refused.field == field)
    }
    // At the limits exactly, and a summary that only reaches 1024 once trimmed, are taken.
    let atLimit = try #require(try accepted(#"{"summary": "  \#(String(repeating: "x", count: 1024))  ", "dedup_key": "\#(String(repeating: "k", count: 255))"}"#).first)
    #expect(atLimit.summary.count == IntakeDefaults.maxSummaryLength)
}
