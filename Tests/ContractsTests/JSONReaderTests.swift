// The strict reader: what it refuses (with Foundation), what only it refuses (and JSONCoding with it), its errors.
@testable import Contracts
import Foundation
import Testing

private func bytes(_ json: String) -> Data { Data(json.utf8) }

/// Foundation, the fast reader and `JSONCoding` all throw.
private func expectAllRefuse<T: Decodable & JSONFastDecodable>(_ type: T.Type, _ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = String(decoding: data.prefix(300), as: UTF8.self)
    #expect(throws: (any Error).self, "Foundation accepted \(text)", sourceLocation: sourceLocation) { try JSONCoding.decoder().decode(type, from: data) }
    #expect(throws: (any Error).self, "the fast reader accepted \(text)", sourceLocation: sourceLocation) { try JSONReader.decode(type, from: data) }
    #expect(throws: (any Error).self, "JSONCoding accepted \(text)", sourceLocation: sourceLocation) { try JSONCoding.decode(type, from: data) }
}

private let validAlert = #"{"id":"a","tenant":"t","dedup_key":"k","status":"triggered","severity":"info","summary":"s","created_at":"2026-11-23T16:00:00Z"}"#

/// `validAlert` with one member replaced or added.
private func alert(_ member: String) -> String {
    let key = member.split(separator: ":", maxSplits: 1)[0]
    var object = validAlert
    if let range = object.range(of: #"\#(key):"[^"]*""#, options: .regularExpression) {
        object.replaceSubrange(range, with: member)
    } else {
        object.insert(contentsOf: "," + member, at: object.index(before: object.endIndex))
    }
    return object
}

@Test func contractViolationsAreRefusedByBoth() {
    let alerts = [
        #"{"tenant":"t","dedup_key":"k","status":"triggered","severity":"info","summary":"s","created_at":"2026-11-23T16:00:00Z"}"#,
        #"{"id":"a","tenant":"t","dedup_key":"k","status":"triggered","severity":"info","summary":"s"}"#,
        alert(#""id":null"#), alert(#""id":5"#), alert(#""summary":true"#), alert(#""created_at":null"#), alert(#""created_at":"yesterday""#),
        alert(#""created_at":"2026-02-29T00:00:00Z""#), alert(#""status":"sleeping""#), alert(#""status":null"#), alert(#""severity":3"#),
        alert(#""severity":"CRITICAL""#), alert(#""count":"1""#), alert(#""count":1.5"#), alert(#""count":1e400"#), alert(#""count":true"#),
        alert(#""count":9223372036854775808"#), alert(#""level":-9223372036854775809"#), alert(#""links":{}"#), alert(#""links":[{"text":"no href"}]"#),
        alert(#""links":[{"href":1}]"#), alert(#""details":[1]"#), alert(#""details":"x""#), alert(#""details":{"n":1e400}"#),
        alert(#""details":{"n":-1e-400}"#), alert(#""format":"xml""#), alert(#""deadline":5"#), alert(#""updated_at":"soon""#), "[]", "null", "5",
    ]
    for json in alerts { expectAllRefuse(Alert.self, bytes(json)) }

    let envelopes = [
        #"{"type":"alerting.alert.state","tenant":"t","data":\#(validAlert)}"#,
        #"{"id":"e","tenant":"t","data":\#(validAlert)}"#,
        #"{"id":"e","type":"alerting.alert.state","data":\#(validAlert)}"#,
        #"{"id":"e","type":"alerting.alert.state","tenant":"t"}"#,
        #"{"id":"e","type":"alerting.alert.state","tenant":"t","data":null}"#,
        #"{"id":"e","type":"alerting.alert.state","tenant":"t","dataversion":"1","data":\#(validAlert)}"#,
        #"{"id":"e","type":"alerting.alert.state","tenant":"t","time":"now","data":\#(validAlert)}"#,
        #"{"id":"e","type":"alerting.alert.state","tenant":"t","specversion":1,"data":\#(validAlert)}"#,
        #"{"id":"e","type":"alerting.alert.state","tenant":"t","data":{}}"#,
    ]
    for json in envelopes { expectAllRefuse(Envelope<Alert>.self, bytes(json)) }

    let recipient = #""recipient":{"kind":"user","address":"a"}"#
    let dispatch = #""dispatch_id":"d","kind":"notify","event":"triggered","channel":"c",\#(recipient),"title":"t","body":"b","severity":"info","alert":\#(validAlert)"#
    for json in ["{\(dispatch),\"actions\":[]}", "{\(dispatch),\"links\":[]}", "{\(dispatch),\"links\":[],\"actions\":[{\"action\":\"explode\",\"token\":\"t\"}]}",
                 "{\(dispatch),\"links\":null,\"actions\":[]}", "{\(dispatch),\"links\":[],\"actions\":[],\"priority\":1}"] {
        expectAllRefuse(DispatchRequest.self, bytes(json))
    }
    for json in [#"{"dispatch_id":"d","alert_id":"a","channel":"c","status":"delivered"}"#,
                 #"{"dispatch_id":"d","alert_id":"a","channel":"c","status":"lost","attempt":1}"#,
                 #"{"dispatch_id":"d","alert_id":"a","channel":"c","status":"sent","attempt":1,"recipient":{"kind":"robot","address":"a"}}"#] {
        expectAllRefuse(DeliveryReceipt.self, bytes(json))
    }
    let cause = #""cause":{"kind":"top"}"#
    for json in [#"{"alert_id":"a","level":1,\#(cause),"targets":null,"due_at":"2026-11-23T16:00:00Z"}"#,
                 #"{"alert_id":"a","level":1,\#(cause),"targets":[],"channels":[1],"due_at":"2026-11-23T16:00:00Z"}"#,
                 #"{"alert_id":"a","level":1.5,\#(cause),"targets":[],"due_at":"2026-11-23T16:00:00Z"}"#,
                 #"{"alert_id":"a","level":1,"cause":{"kind":"x"},"targets":[],"due_at":"2026-11-23T16:00:00Z"}"#,
                 #"{"alert_id":"a","level":1,\#(cause),"targets":[{"only_lead":"yes"}],"due_at":"2026-11-23T16:00:00Z"}"#] {
        expectAllRefuse(EscalationStepTaken.self, bytes(json))
    }
    for json in ["{}", #"{"action":"explode"}"#, #"{"action":"read","by":7}"#] { expectAllRefuse(AckCommand.self, bytes(json)) }
}

@Test func anEnvelopeOfAnotherTypeIsRefusedAsWrongType() throws {
    // The payload reads as a receipt, so only the type is wrong: the fast reader says so itself.
    let receipt = #"{"dispatch_id":"d","alert_id":"a","channel":"c","status":"sent","attempt":1}"#
    let json = bytes(#"{"id":"e","type":"alerting.other","tenant":"t","time":"2026-11-23T16:00:00Z","data":\#(receipt)}"#)
    #expect(throws: ContractError.self) { try JSONCoding.decoder().decode(Envelope<DeliveryReceipt>.self, from: json) }
    #expect(throws: ContractError.self) { try JSONReader.decode(Envelope<DeliveryReceipt>.self, from: json) }
    #expect(throws: ContractError.self) { try Envelope<DeliveryReceipt>.decode(json) }
    // Foundation checks the whole document's syntax first: with garbage after it, the type is never looked at.
    let trailing = json + Data(" x".utf8)
    #expect(throws: DecodingError.self) { try JSONCoding.decoder().decode(Envelope<DeliveryReceipt>.self, from: trailing) }
    #expect(throws: DecodingError.self) { try JSONReader.decode(Envelope<DeliveryReceipt>.self, from: trailing) }
    #expect(throws: DecodingError.self) { try Envelope<DeliveryReceipt>.decode(trailing) }
    // An alert read as a receipt fails on the payload (`data` comes first); the reader still reports the wrong type.
    let alertEnvelope = try Envelope(source: "x", tenant: "acme", data: sampleAlert()).encoded()
    #expect(throws: ContractError.self) { try JSONReader.decode(Envelope<DeliveryReceipt>.self, from: alertEnvelope) }
    // With garbage after it, or a payload of the right type that is broken, it is the syntax or the payload.
    #expect(throws: DecodingError.self) { try Envelope<DeliveryReceipt>.decode(alertEnvelope + Data(" x".utf8)) }
    let brokenReceipt = #"{"id":"e","type":"alerting.receipt","tenant":"t","data":{"dispatch_id":"d"}}"#
    #expect(throws: DecodingError.self) { try Envelope<DeliveryReceipt>.decode(bytes(brokenReceipt)) }
    let typeFirst = #"{"type":"alerting.other","id":"e","tenant":"t","data":{"dispatch_id":"d"}}"#
    #expect(throws: ContractError.self) { try Envelope<DeliveryReceipt>.decode(bytes(typeFirst)) }
    #expect(throws: DecodingError.self) { try Envelope<DeliveryReceipt>.decode(bytes(typeFirst + "]")) }
    do {
        _ = try Envelope<DeliveryReceipt>.decode(alertEnvelope)
        Issue.record("an alert envelope was read as a receipt")
    } catch let error as ContractError {
        #expect(error.code == "wrong_type" && error.message == "expected alerting.receipt, got alerting.alert.state")
    }
}

@Test func malformedJSONIsRefusedByBoth() {
    let good = String(decoding: try! JSONCoding.encoder().encode(envelope(sampleDispatch(sampleAlert()))), as: UTF8.self)
    // Every truncation of a real message.
    let utf8 = Array(good.utf8)
    for cut in stride(from: 0, to: utf8.count, by: 7) { expectAllRefuse(Envelope<DispatchRequest>.self, Data(utf8[0..<cut])) }

    let broken = [
        alert(#""count":01"#), alert(#""count":-01"#), alert(#""count":00"#), alert(#""details":{"n":01}"#), alert(#""details":{"n":NaN}"#),
        alert(#""details":{"n":Infinity}"#), alert(#""details":{"n":-Infinity}"#), alert(#""details":{"n":-}"#), alert(#""details":{"n":1.}"#),
        alert(#""details":{"n":.5}"#), alert(#""details":{"n":+1}"#), alert(#""details":{"n":1e}"#), alert(#""details":{"n":1e+}"#),
        alert(#""details":{"n":0x10}"#), alert(#""details":{"n":1.5.3}"#), alert(#""details":{"n":tru}"#), alert(#""details":{"n":nul}"#),
        alert(#""details":{"n":True}"#), alert(#""details":{"n":'x'}"#), alert(#""details":{n:1}"#), alert(#""details":{"n" 1}"#),
        alert(#""details":{"n":1 "m":2}"#), alert(#""details":[1 2]"#), alert(#""details":{"n":[1,,2]}"#), alert(#""details":{"n":[,]}"#),
        alert(#""details":{,}"#), alert(#""details":{"n":1}}"#), alert(#""details":{"n":"\q"}"#), alert(#""details":{"n":"\u12G4"}"#),
        alert(#""details":{"n":"\u12"}"#), alert(#""summary":"\ud83d""#), alert(#""summary":"\ude00""#), alert(#""summary":"\ud83dx""#),
        alert(#""summary":"\ud83d\u0041""#), alert(#""summary":"\ud83d\ud83d""#), alert("\"summary\":\"tab\there\""),
        alert("\"summary\":\"nul\u{0}\""), alert("\"summary\":\"line\nbreak\""), validAlert + " x", validAlert + validAlert, validAlert + ",",
        "", " ", "\n\t", "{", "}", "{\"id\"", #"{"id":"a"#, #"// comment"# + "\n" + validAlert, "/*c*/" + validAlert,
    ]
    for json in broken { expectAllRefuse(Alert.self, bytes(json)) }

    // Invalid UTF-8 in a string that is read (the fuzz test's sequences, and a few more).
    let sequences: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF4, 0x90, 0x80, 0x80],
                                [0xE0, 0x80, 0x80], [0xC3]]
    let alertHead = Array(#"{"id":"a","tenant":"t","dedup_key":"k","status":"triggered","severity":"info","created_at":"2026-11-23T16:00:00Z","summary":"bad "#.utf8)
    for sequence in sequences {
        expectAllRefuse(Alert.self, Data(alertHead + sequence + Array(#""}"#.utf8)))
        expectAllRefuse(JSONValue.self, Data(Array(#"{"summary":"bad "#.utf8) + sequence + Array(#"","severity":"critical"}"#.utf8)))
        expectAllRefuse(JSONValue.self, Data(Array(#"{"key "#.utf8) + sequence + Array(#"":1}"#.utf8)))
        expectAllRefuse(JSONValue.self, Data(sequence))
    }
}

@Test func nestingIsLimitedTo512LevelsLikeFoundation() throws {
    func nested(_ levels: Int, open: String = "[", close: String = "]") -> Data {
        Data((String(repeating: open, count: levels) + "1" + String(repeating: close, count: levels)).utf8)
    }
    try expectSameValue(JSONValue.self, nested(512))
    try expectSameValue(JSONValue.self, nested(512, open: #"{"a":"#, close: "}"))
    expectAllRefuse(JSONValue.self, nested(513))
    expectAllRefuse(JSONValue.self, nested(513, open: #"{"a":"#, close: "}"))
    expectAllRefuse(JSONValue.self, nested(100_000))
    // The contract's own levels count: the alert is level 1, details 2, so 510 more fit and 511 do not.
    let inAlert = { (levels: Int) in Data(alert(#""details":{"d":\#(String(decoding: nested(levels), as: UTF8.self))}"#).utf8) }
    try expectSameValue(Alert.self, inAlert(510))
    expectAllRefuse(Alert.self, inAlert(511))
}

/// Documents Foundation reads that the strict reader refuses: `JSONCoding` refuses them too, as the reader is the one
/// authority on a bus message.
@Test func whatOnlyFoundationAcceptsIsRefusedThroughJSONCoding() throws {
    var lenient: [(String, Data)] = [
        ("trailing comma in an object", bytes(alert(#""future":1,"#))),
        ("trailing comma in an array", bytes(alert(#""links":[{"href":"h"},]"#))),
        ("trailing comma in details", bytes(alert(#""details":{"a":[1,2,],}"#))),
        ("a byte order mark", Data([0xEF, 0xBB, 0xBF]) + bytes(validAlert)),
        ("a key twice (Foundation keeps the first)", bytes(alert(#""summary":"second""#).replacingOccurrences(of: "}", with: #","summary":"third"}"#))),
        ("a detail key twice", bytes(alert(#""details":{"a":1,"a":2}"#))),
        ("a leading zero in an unknown key", bytes(alert(#""x":01"#))),
        ("a number Foundation never parses in an unknown key", bytes(alert(#""x":1-2+3"#))),
        ("a bad escape in an unknown key", bytes(alert(#""x":"\q""#))),
        ("an unrepresentable number in an unknown key", bytes(alert(#""x":1e400"#))),
        ("an Int written with a fraction beyond 2^53", bytes(alert(#""count":12345678901234567.0"#))),
        ("an Int that a Double rounds to a whole number", bytes(alert(#""count":1.0000000000000001"#))),
    ]
    lenient.append(("invalid UTF-8 in an unknown key's string",
                    Data(Array(validAlert.dropLast().utf8) + Array(#","x":"bad "#.utf8) + [0xFF] + Array(#""}"#.utf8))))
    lenient.append(("a raw control character in an unknown key's string", bytes(alert("\"x\":\"a\u{1}b\""))))
    for (what, data) in lenient {
        let foundation = try? JSONCoding.decoder().decode(Alert.self, from: data)
        #expect(foundation != nil, "Foundation no longer accepts \(what)")
        #expect(throws: DecodingError.self, "the strict reader accepted \(what)") { try JSONReader.decode(Alert.self, from: data) }
        #expect(throws: DecodingError.self, "JSONCoding accepted \(what)") { try JSONCoding.decode(Alert.self, from: data) }
    }
    // A UTF-16 document: Foundation detects the encoding, the reader takes UTF-8 only.
    let utf16 = Data([0xFF, 0xFE]) + validAlert.data(using: .utf16LittleEndian)!
    #expect((try? JSONCoding.decoder().decode(Alert.self, from: utf16)) != nil)
    #expect(throws: DecodingError.self) { try JSONCoding.decode(Alert.self, from: utf16) }
}

@Test func errorsThroughJSONCodingAreTheReadersOwn() {
    // Ingest puts the error's description in its rejection: the reader's, which names the byte.
    for json in ["not json at all", #"{"summary": "x""#, "[1,2", #"{"a":01}"#, "\u{1}"] {
        let data = bytes(json)
        let viaCoding = Result { try JSONCoding.decode(JSONValue.self, from: data) }
        let viaReader = Result { try JSONReader.parse(data) }
        guard case .failure(let coding) = viaCoding, case .failure(let reader) = viaReader else {
            Issue.record("accepted: \(json)")
            continue
        }
        #expect(String(describing: coding) == String(describing: reader))
        #expect(String(describing: coding).contains("at byte"))
    }
}

@Test func readerErrorsNameTheByteAndThePath() throws {
    func description(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch let DecodingError.dataCorrupted(context) {
            return "corrupted \(context.codingPath.map(\.stringValue)) \(context.debugDescription)"
        } catch let DecodingError.keyNotFound(key, context) {
            return "missing \(key.stringValue) \(context.codingPath.map(\.stringValue))"
        } catch let DecodingError.typeMismatch(_, context) {
            return "mismatch \(context.codingPath.map(\.stringValue)) \(context.debugDescription)"
        } catch let DecodingError.valueNotFound(_, context) {
            return "null \(context.codingPath.map(\.stringValue))"
        } catch {
            return "other \(error)"
        }
    }
    #expect(description { _ = try JSONReader.parse(bytes(#"{"a":01}"#)) }.hasSuffix("number with a leading zero at byte 5"))
    #expect(description { _ = try JSONReader.parse(bytes("[1,2,]")) }.hasSuffix("unexpected ']' after ',' (trailing comma) at byte 5"))
    #expect(description { _ = try JSONReader.parse(bytes("[1] x")) }.hasSuffix("unexpected 'x' after the top-level value at byte 4"))
    #expect(description { _ = try JSONReader.parse(bytes("[1")) }.hasSuffix("unexpected end of input where a value should be at byte 2"))
    #expect(description { _ = try JSONReader.parse(bytes(#"["\ud800"]"#)) }.contains("without a low surrogate after it at byte 2"))
    #expect(description { _ = try JSONReader.parse(Data([0x22, 0xFF, 0x22])) }.hasSuffix("invalid UTF-8 in the string at byte 0"))
    #expect(description { _ = try JSONReader.parse(bytes(#"{"a":1,"a":2}"#)) }.hasSuffix("key appears twice in one object at byte 7"))
    let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    #expect(description { _ = try JSONReader.parse(bytes(deep)) }.hasSuffix("nesting deeper than 512 levels at byte 512"))

    let inEnvelope = #"{"id":"e","type":"alerting.alert.state","tenant":"t","data":\#(alert(#""links":[{"href":"h"},{"href":1}]"#))}"#
    #expect(description { _ = try JSONReader.decode(Envelope<Alert>.self, from: bytes(inEnvelope)) }
        .hasPrefix(#"mismatch ["data", "links", "Index 1", "href"] JSON: expected a string, found a number at byte"#))
    let missing = #"{"id":"e","type":"alerting.alert.state","tenant":"t","data":{"id":"a"}}"#
    // Required keys are checked in the schema's order, as `init(from:)` checks them: the first missing one is named.
    #expect(description { _ = try JSONReader.decode(Envelope<Alert>.self, from: bytes(missing)) } == "missing tenant [\"data\"]")
    #expect(description { _ = try JSONReader.decode(Alert.self, from: bytes(alert(#""summary":null"#))) } == "null [\"summary\"]")
    #expect(description { _ = try JSONReader.decode(Alert.self, from: bytes(alert(#""status":"asleep""#))) }
        .hasPrefix(#"corrupted ["status"] Cannot initialize AlertStatus from invalid String value asleep"#))
    #expect(description { _ = try JSONReader.decode(Alert.self, from: bytes(alert(#""count":1.5"#))) }
        .hasPrefix(#"corrupted ["count"] JSON: number 1.5 at byte"#))
}
