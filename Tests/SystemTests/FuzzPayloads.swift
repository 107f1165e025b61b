// Generated bad input for the fuzz test, from a seeded PRNG, each with what the system must do with it.
import Foundation
import TestSupport

struct FuzzMessage {
    enum Outcome: Equatable {
        /// One message on `alerting/rejected/{tenant}`.
        case rejected
        /// No tenant to answer to: counted in `alerting_ingest_rejected_total{reason="invalid_topic"}`.
        case counted
        /// A wildcard in a publish topic: the MQTT library refuses it before it reaches the broker.
        case refusedByClient
    }
    let family: String
    let topic: String
    let payload: Data
    let outcome: Outcome
}

struct FuzzPayloads {
    var random: SeededGenerator
    let maxPayloadBytes: Int

    init(seed: UInt64, maxPayloadBytes: Int) {
        random = SeededGenerator(seed: seed)
        self.maxPayloadBytes = maxPayloadBytes
    }

    static let families = ["random_bytes", "truncated_json", "nested_arrays", "nested_objects", "huge_string", "oversize",
                           "wrong_types", "invalid_utf8", "unknown_tenant", "long_topic_level", "odd_tenant", "empty_tenant",
                           "wildcard_topic", "ack_garbage", "ack_bad_topic", "ack_unknown_alert", "not_an_object"]

    mutating func next(_ index: Int) -> FuzzMessage {
        let family = FuzzPayloads.families[Int.random(in: 0..<FuzzPayloads.families.count, using: &random)]
        let intake = "alerting/in/acme/fuzz-\(index % 7)"
        switch family {
        case "random_bytes":
            return FuzzMessage(family: family, topic: intake, payload: bytes(Int.random(in: 1...2_000, using: &random)), outcome: .rejected)
        case "truncated_json":
            let good = Array(goodAlert("trunc-\(index)").utf8)
            let cut = Int.random(in: 0..<(good.count - 1), using: &random)
            return FuzzMessage(family: family, topic: intake, payload: Data(good[0..<cut]), outcome: .rejected)
        case "nested_arrays":
            let depth = Int.random(in: 10...(maxPayloadBytes / 2 - 1), using: &random)
            let closed = Bool.random(using: &random)
            let text = String(repeating: "[", count: depth) + (closed ? String(repeating: "]", count: depth) : "")
            return FuzzMessage(family: family, topic: intake, payload: Data(text.utf8), outcome: .rejected)
        case "nested_objects":
            let depth = Int.random(in: 10...(maxPayloadBytes / 6 - 2), using: &random)
            let text = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            return FuzzMessage(family: family, topic: intake, payload: Data(text.utf8), outcome: .rejected)
        case "huge_string":
            // Under the size limit, but the severity is a 5 KB word nobody knows.
            let word = String(repeating: "z", count: Int.random(in: 1_000...(maxPayloadBytes - 200), using: &random))
            let text = #"{"summary":"x","severity":"\#(word)"}"#
            return FuzzMessage(family: family, topic: intake, payload: Data(text.utf8), outcome: .rejected)
        case "oversize":
            let size = Int.random(in: (maxPayloadBytes + 1)...(maxPayloadBytes * 8), using: &random)
            return FuzzMessage(family: family, topic: intake, payload: Data(repeating: UInt8(ascii: "{"), count: size), outcome: .rejected)
        case "wrong_types":
            // Each shape names a field whose value can never be read as what it must be (null only where the field is required).
            let shapes: [(template: String, values: [String])] = [
                (#"{"summary":VALUE,"severity":"critical"}"#, ["5", "true", "null", "[]", "{}", "1.5e300", #"["x"]"#]),
                (#"{"summary":"x","severity":VALUE}"#, ["5", "true", "[]", "{}", "1.5e300", #"["critical"]"#]),
                (#"{"summary":"x","details":VALUE}"#, ["5", "true", #""text""#, "[]"]),
                (#"{"summary":"x","deadline":VALUE}"#, ["5", "true", "{}", #""soon""#]),
            ]
            let shape = shapes[Int.random(in: 0..<shapes.count, using: &random)]
            let value = shape.values[Int.random(in: 0..<shape.values.count, using: &random)]
            return FuzzMessage(family: family, topic: intake, payload: Data(shape.template.replacingOccurrences(of: "VALUE", with: value).utf8),
                               outcome: .rejected)
        case "invalid_utf8":
            var payload = Array(#"{"summary":"bad "#.utf8)
            let sequences: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]]
            payload += sequences[Int.random(in: 0..<sequences.count, using: &random)]
            payload += Array(#"","severity":"critical"}"#.utf8)
            return FuzzMessage(family: family, topic: intake, payload: Data(payload), outcome: .rejected)
        case "unknown_tenant":
            return FuzzMessage(family: family, topic: "alerting/in/\(word(8))/x", payload: Data(goodAlert("u-\(index)").utf8), outcome: .rejected)
        case "long_topic_level":
            let level = String(repeating: "t", count: Int.random(in: 201...5_000, using: &random))
            return FuzzMessage(family: family, topic: "alerting/in/\(level)/x", payload: Data(goodAlert("l-\(index)").utf8), outcome: .rejected)
        case "odd_tenant":
            let odd = ["..", "acme ", " acme", "ACME", "acme\u{200B}", "ａｃｍｅ", "acme;drop", "$SYS", "acme\\x"]
            let tenant = odd[Int.random(in: 0..<odd.count, using: &random)]
            return FuzzMessage(family: family, topic: "alerting/in/\(tenant)/x", payload: Data(goodAlert("o-\(index)").utf8), outcome: .rejected)
        case "empty_tenant":
            let topics = ["alerting/in//x", "alerting/in/", "alerting/ack//a1", "alerting/in"]
            return FuzzMessage(family: family, topic: topics[Int.random(in: 0..<topics.count, using: &random)],
                               payload: Data(goodAlert("e-\(index)").utf8), outcome: .counted)
        case "wildcard_topic":
            let topics = ["alerting/in/+/x", "alerting/in/#", "alerting/in/acme/#", "alerting/in/ac+me/x", "alerting/ack/acme/+"]
            return FuzzMessage(family: family, topic: topics[Int.random(in: 0..<topics.count, using: &random)],
                               payload: Data(goodAlert("w-\(index)").utf8), outcome: .refusedByClient)
        case "ack_garbage":
            return FuzzMessage(family: family, topic: "alerting/ack/acme/\(word(12))", payload: bytes(Int.random(in: 1...300, using: &random)),
                               outcome: .rejected)
        case "ack_bad_topic":
            let topics = ["alerting/ack/acme", "alerting/ack/acme/a/b", "alerting/ack/acme/a/by", "alerting/ack/acme/a/by/", "alerting/ack/acme//x"]
            return FuzzMessage(family: family, topic: topics[Int.random(in: 0..<topics.count, using: &random)],
                               payload: Data(#"{"action":"acknowledge"}"#.utf8), outcome: .rejected)
        case "ack_unknown_alert":
            let actions = ["acknowledge", "resolve", "note"]
            let action = actions[Int.random(in: 0..<actions.count, using: &random)]
            return FuzzMessage(family: family, topic: "alerting/ack/acme/\(word(16))", payload: Data(#"{"action":"\#(action)","note":"n"}"#.utf8),
                               outcome: .rejected)
        default:
            let values = ["[1,2]", "\"alert\"", "42", "null", "true", "  []  "]
            return FuzzMessage(family: family, topic: intake, payload: Data(values[Int.random(in: 0..<values.count, using: &random)].utf8),
                               outcome: .rejected)
        }
    }

    mutating func bytes(_ count: Int) -> Data {
        var data = Data(count: count)
        for index in 0..<count { data[index] = UInt8.random(in: 0...255, using: &random) }
        // A leading `{`-free random string could still be a JSON number or string by chance: make sure it is not an object either.
        if data.first == UInt8(ascii: "{") { data[0] = 0xFF }
        return data
    }

    mutating func word(_ count: Int) -> String {
        String((0..<count).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789-_".randomElement(using: &random)! })
    }

    func goodAlert(_ key: String) -> String {
        #"{"dedup_key":"\#(key)","summary":"Fuzz \#(key)","severity":"critical","service":"press-line","category":"production"}"#
    }
}
