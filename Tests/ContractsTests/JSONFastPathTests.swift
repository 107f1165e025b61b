// The hand-written JSON path against Foundation: the same bytes out for every contract, the same values in.
@testable import Contracts
import Foundation
import Testing

// MARK: Helpers

/// The fast writer's bytes and Foundation's (`JSONCoding.encoder()`), which must be identical.
func expectSameBytes<T: Encodable & JSONFastEncodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
    var writer = JSONWriter()
    try value.writeJSON(to: &writer)
    let foundation = try JSONCoding.encoder().encode(value)
    #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: foundation, as: UTF8.self), sourceLocation: sourceLocation)
    #expect(writer.bytes == Array(foundation), sourceLocation: sourceLocation)
    #expect(try JSONCoding.encode(value) == foundation, sourceLocation: sourceLocation)
}

/// The fast reader's value and Foundation's (`JSONCoding.decoder()`) for the same bytes, which must be equal.
@discardableResult
func expectSameValue<T: Decodable & JSONFastDecodable & Equatable>(_ type: T.Type, _ data: Data,
                                                                     sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    let foundation = try JSONCoding.decoder().decode(type, from: data)
    let fast = try JSONReader.decode(type, from: data)
    #expect(fast == foundation, "\(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
    #expect(try JSONCoding.decode(type, from: data) == foundation, sourceLocation: sourceLocation)
    return fast
}

func expectSameValue<T: Decodable & JSONFastDecodable & Equatable>(_ type: T.Type, _ json: String,
                                                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    try expectSameValue(type, Data(json.utf8), sourceLocation: sourceLocation)
}

/// Encoded by Foundation, read back by both.
func expectRoundTrip<T: Codable & JSONFastCodable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try expectSameBytes(value, sourceLocation: sourceLocation)
    let decoded = try expectSameValue(T.self, try JSONCoding.encoder().encode(value), sourceLocation: sourceLocation)
    #expect(decoded == value, sourceLocation: sourceLocation)
}

let fixedTime = RFC3339.date(from: "2026-11-23T16:00:00.250Z")!
let wholeSecond = RFC3339.date(from: "2026-11-23T17:00:00Z")!

/// Strings that stress escaping: quotes, backslashes, every control character, slashes, DEL, non-ASCII, emoji.
let awkwardStrings: [String] = [
    "", "plain", "with \"quotes\" and \\backslashes\\", "a/b//c", "tab\there\nnewline\r\n", "\u{8}\u{c}\u{0}\u{1}\u{1f}\u{7f}",
    String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }), "é à ü ß", "日本語のテキスト", "emoji 😀👍🏽🇫🇷 family 👨‍👩‍👧",
    "e\u{301} vs é", "\u{2028}\u{2029}\u{feff}\u{fffe}", "\u{10FFFF}", "ends with backslash \\", "\"", "</script>",
]

/// Numbers at the edges of `JSONValue`'s integer/Double split and of Foundation's Double text.
let awkwardNumbers: [Double] = [
    0, -0.0, 1, -1, 42, 1e15 - 1, -(1e15 - 1), 1e15, -1e15, 1e16, 0.1, -0.1, 1e-7, 2.5e-5, 1e-5, 0.000001, 123456789.125, 1.5e300,
    -1.5e300, 1e21, 1e22, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 4503599627370496.5, 9007199254740993,
    123456789012345678, 0.30000000000000004, 100, 1e2, 3.14159, -2.5, 12345.678, 9.999999999999999e14,
]

func sampleAlert(_ variant: Int = 0) -> Alert {
    var details: [String: JSONValue] = [
        "line": .number(4), "tags": .array([.string("x"), .null, .bool(true), .bool(false)]),
        "nested": .object(["a": .object(["b": .array([.number(1), .array([.number(2), .array([.number(3)])])])]), "empty": .object([:]),
                           "list": .array([])]),
        "zero": .number(0), "minus": .number(-1), "big": .number(1e15), "tenth": .number(0.1), "tiny": .number(1e-7),
        "eighths": .number(123456789.125), "huge": .number(1.5e300), "text": .string("a \"quoted\"\ttab / slash é 😀"),
    ]
    for (index, number) in awkwardNumbers.enumerated() { details["n\(index)"] = .number(number) }
    for (index, text) in awkwardStrings.enumerated() { details[text.isEmpty ? "empty-key" : text] = .string("\(index)") }
    var alert = Alert(id: "a\(variant)", tenant: "acme", dedupKey: "press4-down", severity: .critical, summary: "Press 4 stopped",
                      category: "production", type: "machine_down", service: "press-line", source: "plc-7",
                      deadline: wholeSecond, details: details,
                      links: [AlertLink(href: "https://example.test/p4?a=1&b=2", text: "Panel"), AlertLink(href: "/relative")],
                      format: .pagerduty, createdAt: fixedTime, count: 7)
    // Times as they read back from their text (milliseconds only), so that decoding gives back the same Double.
    alert.status = .acknowledged
    alert.updatedAt = RFC3339.date(from: "2026-11-23T16:00:00.251Z")!
    alert.lastSeenAt = RFC3339.date(from: "2026-11-23T16:00:59.999Z")!
    alert.acknowledgedBy = "bob"
    alert.acknowledgedAt = RFC3339.date(from: "2026-11-23T16:01:00.250Z")!
    alert.resolvedBy = "carol ✓"
    alert.resolvedAt = RFC3339.date(from: "2026-11-23T17:00:00.750Z")!
    alert.level = 3
    alert.nextEscalationAt = RFC3339.date(from: "1969-12-31T23:59:59.001Z")!
    return alert
}

/// An alert with every optional nil and every collection empty.
func bareAlert() -> Alert {
    Alert(id: "b", tenant: "t", dedupKey: "k", severity: .info, summary: "", createdAt: wholeSecond)
}

func sampleDispatch(_ alert: Alert) -> DispatchRequest {
    DispatchRequest(dispatchId: "d1", kind: .notify, event: .triggered, channel: "webhook",
                    recipient: Recipient(kind: .user, user: "alice", service: "press-line", address: "+41 79 000 00 00", name: "Alice Ä"),
                    title: "[CRITICAL] Press 4 stopped", body: "Line 4\nstopped at 16:00 — \"see panel\"", severity: .critical,
                    priority: "P1", links: alert.links, actions: [ActionLink(action: .acknowledge, token: "tok.en/+=", url: "https://x.test/a"),
                                                                  ActionLink(action: .resolve, token: "t2")],
                    alert: alert, providerRef: "C123:1700000000.000100")
}

func sampleStep() -> EscalationStepTaken {
    EscalationStepTaken(alertId: "a1", level: 2, cause: EscalationCause(kind: .policyStep, policy: "p", step: 2, repeatNumber: 0, percent: 80),
                        targets: [EscalationTargetRef(schedule: "s", team: "ops", onlyLead: true, role: "lead", user: "u"),
                                  EscalationTargetRef(onlyLead: false), EscalationTargetRef()],
                        channels: ["sms", "voice"], reason: "no answer", by: "escalator", dueAt: fixedTime, nextDueAt: wholeSecond,
                        channelMode: "all")
}

func envelope<P: EnvelopePayload>(_ payload: P, id: String = "e1") -> Envelope<P> {
    Envelope(id: id, source: "alerting/test", tenant: "acme", time: fixedTime, data: payload)
}

// MARK: Encoding: the same bytes as Foundation

@Test func everyContractEncodesToFoundationsBytes() throws {
    let alert = sampleAlert()
    for value in [alert, bareAlert()] {
        try expectRoundTrip(value)
        try expectRoundTrip(envelope(value))
    }
    try expectRoundTrip(AlertLink(href: "h"))
    try expectRoundTrip(AlertLink(href: "h", text: "t"))
    for event in [AlertEvent(kind: .acknowledged, alert: alert, by: "bob", via: "slack", reason: "r", note: "n"),
                  AlertEvent(kind: .triggered, alert: bareAlert())] {
        try expectRoundTrip(event)
        try expectRoundTrip(envelope(event))
    }
    let bareDispatch = DispatchRequest(dispatchId: "d", kind: .update, event: .resolved, channel: "sms",
                                       recipient: Recipient(kind: .service, address: "a"), title: "", body: "", severity: .info, alert: bareAlert())
    for dispatch in [sampleDispatch(alert), bareDispatch] {
        try expectRoundTrip(dispatch)
        try expectRoundTrip(envelope(dispatch))
        try expectRoundTrip(dispatch.recipient)
    }
    for receipt in [DeliveryReceipt(dispatchId: "d1", alertId: "a1", channel: "webhook", status: .failed, attempt: 3, httpStatus: 503,
                                    error: "HTTP 503: \"busy\"", providerRef: "ref", recipient: Recipient(kind: .user, user: "u", address: "x")),
                    DeliveryReceipt(dispatchId: "d", alertId: "a", channel: "c", status: .delivered, attempt: 1)] {
        try expectRoundTrip(receipt)
        try expectRoundTrip(envelope(receipt))
    }
    let receipts = DeliveryReceipts(receipts: [
        DeliveryReceipt(dispatchId: "d1", alertId: "a1", channel: "webhook", status: .sent, attempt: 1, httpStatus: 200),
        DeliveryReceipt(dispatchId: "d2", alertId: "a2", channel: "webhook", status: .failed, attempt: 4, error: "HTTP 500"),
    ])
    for batch in [receipts, DeliveryReceipts(receipts: [])] {
        try expectRoundTrip(batch)
        try expectRoundTrip(envelope(batch))
    }
    for step in [sampleStep(), EscalationStepTaken(alertId: "a", level: 0, cause: EscalationCause(kind: .manual), targets: [], dueAt: wholeSecond),
                 EscalationStepTaken(alertId: "a", level: 1, cause: EscalationCause(kind: .top), targets: [], channels: [], dueAt: fixedTime)] {
        try expectRoundTrip(step)
        try expectRoundTrip(envelope(step))
    }
    for command in [AckCommand(action: .escalate, by: "bob", via: "sms", reason: "why", note: "note", id: "m1"), AckCommand(action: .read)] {
        try expectRoundTrip(command)
    }
    for action in AckCommand.Action.allCases { try expectRoundTrip(ActionLink(action: action, token: "t")) }
    let inbox = InboxSnapshot(user: "alice", unread: 1, items: [InboxItem(id: "i", alertId: "a1", title: "t", body: "b", severity: .warning, at: fixedTime),
                                                               InboxItem(id: "j", alertId: "a2", title: "", body: "", severity: .error, at: wholeSecond, read: true),
                                                               InboxItem(id: "k", alertId: "a3", title: "t", body: "b", severity: .critical, at: fixedTime,
                                                                         type: "escalation", priority: "critical", link: "https://x.test/a3",
                                                                         status: "acknowledged", statusBy: "bob", statusAt: wholeSecond, level: 2)])
    try expectRoundTrip(inbox)
    try expectRoundTrip(envelope(inbox))
    try expectRoundTrip(envelope(InboxSnapshot(user: "u", unread: 0, items: [])))
    for rejection in [Rejection(reason: .unknownSeverity, message: "bad", field: "severity", topic: "alerting/in/acme/x", excerpt: "{\"a\":\u{1}}"),
                      Rejection(reason: .oversize, message: "m", topic: "t", excerpt: "")] {
        try expectRoundTrip(envelope(rejection))
    }
}

@Test func everyEnumValueEncodesToFoundationsBytes() throws {
    var alert = bareAlert()
    for status in AlertStatus.allCases {
        for severity in Severity.allCases {
            alert.status = status
            alert.severity = severity
            try expectRoundTrip(alert)
        }
    }
    for kind in AlertEvent.Kind.allCases { try expectRoundTrip(AlertEvent(kind: kind, alert: alert)) }
    for status in DeliveryReceipt.Status.allCases {
        try expectRoundTrip(DeliveryReceipt(dispatchId: "d", alertId: "a", channel: "c", status: status, attempt: 1))
    }
    for kind in [EscalationCause.Kind.policyStep, .routeRole, .top, .deadlineThreshold, .deadlineNotice, .manual] {
        try expectRoundTrip(EscalationCause(kind: kind))
    }
    for reason in RejectionReason.allCases { try expectRoundTrip(Rejection(reason: reason, message: "m", topic: "t", excerpt: "e")) }
    for format in [IntakeFormat.native, .pagerduty, .alertmanager] {
        var formatted = alert
        formatted.format = format
        try expectRoundTrip(formatted)
    }
}

@Test func stringsAreEscapedAsFoundationEscapesThem() throws {
    for text in awkwardStrings {
        try expectSameBytes(JSONValue.string(text))
        try expectSameBytes(AlertLink(href: text, text: text))
        try expectSameBytes(JSONValue.object([text: .string(text)]))
    }
    // Every scalar below 0x80 alone, and a sample of the rest.
    for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) + [0xA0, 0x7FF, 0x800, 0xFFFD, 0x1F600].compactMap(Unicode.Scalar.init) {
        try expectSameBytes(JSONValue.string("a\(Character(scalar))b"))
    }
    // The written forms, checked literally as well.
    var writer = JSONWriter()
    writer.string("\u{0}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\"\\/\u{7f}é")
    #expect(String(decoding: writer.bytes, as: UTF8.self) == #""\u0000\b\t\n\u000b\f\r\u001f\"\\/"# + "\u{7f}é\"")
}

@Test func numbersAreWrittenAsJSONValueEncodesThem() throws {
    for number in awkwardNumbers {
        try expectSameBytes(JSONValue.number(number))
        try expectSameBytes(JSONValue.array([.number(number), .number(-number)]))
    }
    let expected: [(Double, String)] = [(0, "0"), (-0.0, "0"), (-1, "-1"), (1e15, "1000000000000000"), (1e16, "1e+16"), (0.1, "0.1"),
                                        (1e-7, "1e-07"), (123456789.125, "123456789.125"), (1.5e300, "1.5e+300"), (-2.5, "-2.5")]
    for (number, text) in expected {
        var writer = JSONWriter()
        try JSONValue.number(number).writeJSON(to: &writer)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
    }
    for int in [0, 1, -1, 9, 10, 99, 100, Int.max, Int.min, 1_000_000_007] {
        var writer = JSONWriter()
        writer.int(int)
        #expect(writer.bytes == Array(try JSONCoding.encoder().encode(int)))
    }
}

@Test func keysAreSortedByTheirUTF8Bytes() throws {
    // Not numeric, not case-insensitive, not UTF-16: "10" < "9", "B" < "_" < "a", "~" < "é" < "😀" > "\u{FFFD}".
    let keys = ["b", "a", "B", "_", "aa", "a_b", "é", "z", "A10", "A9", "a1", "ab", "Z", "~", "10", "9", "", "\u{FFFD}", "😀", "\u{E000}", "a\u{0}"]
    let object = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, JSONValue.number(Double($0))) }))
    try expectSameBytes(object)
    var writer = JSONWriter()
    try object.writeJSON(to: &writer)
    let text = String(decoding: writer.bytes, as: UTF8.self)
    #expect(text.hasPrefix(#"{"":16,"10":14,"9":15,"A10":8,"A9":9,"B":2,"Z":12,"_":3,"a":1,"a\u0000":20,"#))
}

@Test func nonFiniteNumbersAndDeepNestingAreRefusedAsFoundationRefusesThem() throws {
    for number in [Double.nan, .infinity, -.infinity] {
        var writer = JSONWriter()
        #expect(throws: EncodingError.self) { try JSONValue.number(number).writeJSON(to: &writer) }
        #expect(throws: EncodingError.self) { try JSONCoding.encoder().encode(JSONValue.number(number)) }
        #expect(throws: EncodingError.self) { try JSONCoding.encode(JSONValue.array([.number(number)])) }
    }
    func nested(_ levels: Int) -> JSONValue { (0..<levels).reduce(JSONValue.number(1)) { value, _ in .array([value]) } }
    // Foundation writes 511 levels and refuses a 512th; the fast writer draws the line at the same level.
    try expectSameBytes(nested(511))
    #expect(throws: EncodingError.self) { try JSONCoding.encoder().encode(nested(512)) }
    var writer = JSONWriter()
    #expect(throws: EncodingError.self) { try nested(512).writeJSON(to: &writer) }
    #expect(throws: EncodingError.self) { try JSONCoding.encode(nested(512)) }
    // Inside an alert the contract's own levels count too.
    var alert = bareAlert()
    alert.details = ["deep": nested(508)]
    try expectSameBytes(alert)
    alert.details = ["deep": nested(510)]
    #expect(throws: EncodingError.self) { try JSONCoding.encoder().encode(alert) }
    #expect(throws: EncodingError.self) { try JSONCoding.encode(alert) }
}

// MARK: Decoding: the same values as Foundation

@Test func handWrittenInputsDecodeAsFoundationDecodesThem() throws {
    // Missing optional keys: every default of Alert.init(from:).
    try expectSameValue(Alert.self, #"{"id":"a","tenant":"t","dedup_key":"k","status":"triggered","severity":"info","summary":"s","created_at":"2026-11-23T16:00:00Z"}"#)
    // Nulls for optional keys, the same defaults.
    try expectSameValue(Alert.self, """
        {"id":"a","tenant":"t","dedup_key":"k","status":"resolved","severity":"error","summary":"s","created_at":"2026-11-23T16:00:00.5+01:00",
         "category":null,"type":null,"service":null,"source":null,"deadline":null,"details":null,"links":null,"format":null,
         "updated_at":null,"last_seen_at":null,"count":null,"acknowledged_by":null,"acknowledged_at":null,"resolved_by":null,
         "resolved_at":null,"level":null,"next_escalation_at":null}
        """)
    // Unknown keys of every kind, a different key order, whitespace everywhere, escapes.
    try expectSameValue(Alert.self, """
        \t{ "summary" : "caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\/ \\\\ \\b\\f\\n\\r\\t \\u0000" ,
          "future" : { "nested" : [ 1 , 2.5e3 , -0 , true , false , null , "x" , { } , [ ] ] } ,
          "created_at" : "2026-11-23t16:00:00.123z" , "id" : "\\u0061" , "tenant":"t","dedup_key":"k",
          "details" : { "n" : 1E2 , "m" : -0.0 , "o" : 1.0e-7 , "s" : "\\u00E9" , "deep" : { "a" : [ [ [ ] ] ] } } ,
          "status":"acknowledged","severity":"warning", "count" : 12 , "level" : -0, "links":[{"text":null,"href":"h","x":1}]
        } \r\n
        """)
    // Time forms the custom strategy accepts.
    for time in ["2026-11-23T16:00:00Z", "2026-11-23T16:00:00.250Z", "2026-11-23 16:00:00+05:30", "2026-11-23T16:00:00.123456789Z"] {
        try expectSameValue(Envelope<AckCommandPayload>.self, #"{"id":"e","type":"test.ack","tenant":"t","time":"\#(time)","data":{"action":"read"}}"#)
    }
    // Envelope defaults (the time is given: its default is "now", different on each decode).
    try expectSameValue(Envelope<DeliveryReceipt>.self, """
        {"id":"e1","type":"alerting.receipt","tenant":"acme","time":"2026-11-23T16:00:00Z",
         "data":{"dispatch_id":"d","alert_id":"a","channel":"sms","status":"delivered","attempt":1,"recipient":null}}
        """)
    try expectSameValue(Envelope<DeliveryReceipt>.self, """
        {"specversion":null,"source":null,"datacontenttype":null,"dataversion":null,"id":"e1","type":"alerting.receipt","tenant":"acme",
         "time":"2026-11-23T16:00:00Z","data":{"dispatch_id":"d","alert_id":"a","channel":"sms","status":"bounced","attempt":2,
         "http_status":null,"error":null,"provider_ref":null,"recipient":{"kind":"user","address":"x","user":null}},"extra":[{}]}
        """)
    try expectSameValue(EscalationStepTaken.self, """
        {"alert_id":"a","level":1,"cause":{"kind":"route_role","repeat":3,"percent":null},"targets":[{},{"only_lead":true},{"only_lead":null}],
         "channels":null,"due_at":"2026-11-23T16:00:00Z"}
        """)
    try expectSameValue(EscalationStepTaken.self, #"{"alert_id":"a","level":1,"cause":{"kind":"top"},"targets":[],"channels":["a","\u0062"],"channel_mode":"all","due_at":"2026-11-23T16:00:00Z"}"#)
    try expectSameValue(AckCommand.self, #"{"action":"note","note":"line1\nline2","id":null}"#)
    try expectSameValue(DispatchRequest.self, """
        {"dispatch_id":"d","kind":"update","event":"noted","channel":"c","recipient":{"kind":"service","address":"a"},"title":"t","body":"b",
         "severity":"critical","links":[],"actions":[{"action":"escalate","token":"t","url":null}],"priority":null,
         "alert":{"id":"a","tenant":"t","dedup_key":"k","status":"triggered","severity":"info","summary":"s","created_at":"2026-11-23T16:00:00Z"}}
        """)
    // Integers written as Foundation also reads them for an Int.
    for count in ["1.0", "1e2", "1E+2", "-0", "-0.0", "100000000000000000000e-20", "2.50e1", "9223372036854775807", "-9223372036854775808"] {
        try expectSameValue(AlertLinkCount.self, #"{"count":\#(count)}"#)
    }
    // JSON values at the top level, fragments included.
    for json in ["5", "-0", "\"s\"", "null", "true", "[]", "{}", " [1, [2, {\"a\": null}]] ", "1e-310", "5e-324", "1.7976931348623157e308",
                 "123456789012345678901234567890", "0.1000000000000000055511151231257827", "[\"\\u0000\\u001f\"]", "\"\\ud800\\udc00\""] {
        try expectSameValue(JSONValue.self, json)
    }
}

/// A payload for envelope tests whose `type` can be anything the test names.
struct AckCommandPayload: EnvelopePayload, JSONFastCodable {
    static let eventType = "test.ack"
    var action: AckCommand.Action

    init(json reader: inout JSONReader) throws { action = try reader.decode(AckCommand.self).action }
    func writeJSON(to writer: inout JSONWriter) throws { try AckCommand(action: action).writeJSON(to: &writer) }
}

/// One Int field, to compare how numbers are read as integers.
struct AlertLinkCount: Codable, Equatable, JSONFastDecodable {
    var count: Int

    private enum Field: String, JSONFieldName {
        case count
        static let fieldTable = JSONFieldTable<Field>()
    }

    init(json reader: inout JSONReader) throws {
        var count: Int?
        var object = try reader.beginObject(Field.self)
        while let field = try reader.nextField(&object) {
            switch field {
            case .count: count = try reader.int()
            }
        }
        self.count = try reader.required(count, Field.count)
    }
}

// MARK: Wiring

/// Writes and reads differently from its Codable conformance, to show which path `JSONCoding` took.
private struct PathProbe: Codable, Equatable, JSONFastCodable {
    var fast: Bool

    init(fast: Bool) { self.fast = fast }
    init(json reader: inout JSONReader) throws {
        _ = try reader.decode(JSONValue.self)
        fast = true
    }
    func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("fast", true)
        writer.endObject()
    }
}

@Test func jsonCodingTakesTheFastPathWhenATypeHasOne() throws {
    #expect(String(decoding: try JSONCoding.encode(PathProbe(fast: false)), as: UTF8.self) == #"{"fast":true}"#)
    #expect(try JSONCoding.decode(PathProbe.self, from: Data(#"{"fast":false}"#.utf8)) == PathProbe(fast: true))
    // A document the fast reader refuses is refused, though Foundation would read it.
    #expect(throws: DecodingError.self) { try JSONCoding.decode(PathProbe.self, from: Data(#"{"fast":false,}"#.utf8)) }
    // Plain Foundation coders stay plain.
    #expect(String(decoding: try JSONCoding.encoder().encode(PathProbe(fast: false)), as: UTF8.self) == #"{"fast":false}"#)
    // Envelope.encoded() and decode(_:) go through JSONCoding.
    let sent = envelope(sampleAlert())
    #expect(try sent.encoded() == (try JSONCoding.encoder().encode(sent)))
    #expect(try Envelope<Alert>.decode(try sent.encoded()) == sent)
}
