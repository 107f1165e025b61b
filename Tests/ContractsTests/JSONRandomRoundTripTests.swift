// Seeded random values, number spellings and damaged documents: whatever the reader accepts, Foundation reads the same.
@testable import Contracts
import Foundation
import Harness
import Testing

typealias SeededRandom = SeededGenerator

private extension SeededRandom {
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }

    mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &self)] }

    mutating func string(maxLength: Int = 12) -> String {
        let pools: [ClosedRange<UInt32>] = [0x61...0x7A, 0x20...0x7E, 0x00...0x1F, 0x7F...0x7F, 0xA0...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFD,
                                            0x1F300...0x1FAFF, 0x10000...0x10FFFF]
        var text = ""
        for _ in 0..<Int.random(in: 0...maxLength, using: &self) {
            let pool = chance(60) ? pools[0] : pick(pools)
            if let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &self)) { text.unicodeScalars.append(scalar) }
            if chance(5) { text += pick(["\"", "\\", "/", "\\u", "é", "😀", "\u{301}", "\n"]) }
        }
        return text
    }

    mutating func number() -> Double {
        switch Int.random(in: 0..<7, using: &self) {
        case 0: return pick(awkwardNumbers)
        case 1: return Double(Int.random(in: -1000...1000, using: &self))
        case 2: return Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &self))
        case 3: return Double.random(in: -1e6...1e6, using: &self)
        case 4: return Double(Int.random(in: -99_999...99_999, using: &self)) / pick([10, 100, 1000, 8, 1e6, 1e9])
        case 5:
            // Any finite Double, from its bits.
            while true {
                let value = Double(bitPattern: next())
                if value.isFinite { return value }
            }
        default:
            let value = pick([1, -1]) * pow(10, Double(Int.random(in: -320...308, using: &self))) * Double.random(in: 1..<10, using: &self)
            return value.isFinite ? value : 1e308
        }
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth >= 4 ? 4 : 6), using: &self) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .number(number())
        case 3: return .string(string())
        case 4: return .array((0..<Int.random(in: 0...5, using: &self)).map { _ in value(depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &self) { members[string(maxLength: 6)] = value(depth: depth + 1) }
            return .object(members)
        }
    }

    /// A time between 1900 and 2200, with or without milliseconds, as it reads back from its own text (the
    /// text keeps milliseconds only, so an arbitrary Double would not come back bit for bit from either decoder).
    mutating func date() -> Date {
        let millis = Double(Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &self))
        let date = Date(timeIntervalSince1970: chance(50) ? millis / 1000 : (millis / 1000).rounded())
        return RFC3339.date(from: RFC3339.string(from: date))!
    }

    mutating func maybe<T>(_ make: (inout SeededRandom) -> T) -> T? { chance(50) ? make(&self) : nil }

    mutating func alert() -> Alert {
        var details: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...10, using: &self) { details[string(maxLength: 8)] = value(depth: 1) }
        var alert = Alert(id: string(), tenant: string(), dedupKey: string(), status: pick(AlertStatus.allCases), severity: pick(Severity.allCases),
                          summary: string(maxLength: 60), category: maybe { $0.string() }, type: maybe { $0.string() },
                          service: maybe { $0.string() }, source: maybe { $0.string() }, deadline: maybe { $0.date() }, details: details,
                          links: (0..<Int.random(in: 0...3, using: &self)).map { _ in AlertLink(href: string(), text: maybe { $0.string() }) },
                          format: pick([.native, .pagerduty, .alertmanager]), createdAt: date(), count: Int.random(in: 0...Int.max, using: &self))
        alert.updatedAt = date()
        alert.lastSeenAt = date()
        alert.acknowledgedBy = maybe { $0.string() }
        alert.acknowledgedAt = maybe { $0.date() }
        alert.resolvedBy = maybe { $0.string() }
        alert.resolvedAt = maybe { $0.date() }
        alert.level = Int.random(in: Int.min...Int.max, using: &self)
        alert.nextEscalationAt = maybe { $0.date() }
        return alert
    }

    /// A number as someone might write it: signs, leading zeros, fractions, exponents, huge and tiny, sometimes wrong.
    mutating func numberLiteral() -> String {
        var text = chance(30) ? "-" : ""
        let digits = { (random: inout SeededRandom, count: Int) in
            String((0..<count).map { _ in Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &random))) })
        }
        text += chance(15) ? "0" : String(Int.random(in: 1...9, using: &self)) + digits(&self, pick([0, 1, 2, 5, 15, 17, 18, 19, 20, 25]))
        if chance(40) { text += "." + digits(&self, pick([1, 1, 2, 3, 16, 20, 30])) }
        if chance(30) { text += pick(["e", "E"]) + pick(["", "+", "-"]) + String(Int.random(in: 0...pick([2, 25, 330, 400]), using: &self)) }
        if chance(3) { text = pick(["0" + text, text + ".", text + "e", "+" + text, "." + text, text + "x", "-", "--1"]) }
        return text
    }
}

@Test func randomValuesEncodeAndDecodeAsFoundationDoes() throws {
    var random = SeededRandom(seed: 0x5EED_0001)
    for _ in 0..<3_000 {
        let value = random.value()
        try expectSameBytes(value)
        let decoded = try expectSameValue(JSONValue.self, try JSONCoding.encoder().encode(value))
        #expect(decoded == value)
    }
}

@Test func randomAlertsAndDispatchesEncodeAndDecodeAsFoundationDoes() throws {
    var random = SeededRandom(seed: 0x5EED_0002)
    for index in 0..<1_000 {
        let alert = random.alert()
        try expectRoundTrip(alert)
        if index.isMultiple(of: 4) {
            var dispatch = sampleDispatch(alert)
            dispatch.title = random.string(maxLength: 80)
            dispatch.priority = random.maybe { $0.string() }
            try expectRoundTrip(Envelope(id: random.string(), source: random.string(), tenant: random.string(), time: random.date(), data: dispatch))
        }
    }
}

@Test func randomNumberSpellingsReadAsFoundationReadsThem() throws {
    var random = SeededRandom(seed: 0x5EED_0003)
    var intsOnlyFoundationReads = 0
    var doublesOnlyFoundationReads = 0
    for _ in 0..<6_000 {
        let literal = random.numberLiteral()
        let json = Data(literal.utf8)
        // As a JSON value: what the fast reader reads, Foundation reads as the same Double; JSONCoding answers as
        // the reader does.
        let foundation = try? JSONCoding.decoder().decode(JSONValue.self, from: json)
        let fast = try? JSONReader.decode(JSONValue.self, from: json)
        if let fast {
            #expect(fast == foundation, "\(literal) (\(fast), Foundation \(String(describing: foundation)))")
            if case .number(let a) = fast, case .number(let b)? = foundation { #expect(a.sign == b.sign, "\(literal)") }
        } else if foundation != nil {
            // Only zeros written with an exponent are refused where Foundation reads them (see `JSONReader.readDouble`).
            let mantissa = literal.lowercased().split(separator: "e", maxSplits: 1)
            #expect(mantissa.count == 2 && mantissa[0].allSatisfy { "-0.".contains($0) }, "\(literal) was refused")
            doublesOnlyFoundationReads += 1
        }
        #expect((try? JSONCoding.decode(JSONValue.self, from: json)) == fast, "\(literal)")
        // As an Int: whatever the fast reader accepts, Foundation accepts with the same value.
        let field = Data(#"{"count":\#(literal)}"#.utf8)
        let foundationInt = try? JSONCoding.decoder().decode(AlertLinkCount.self, from: field)
        let fastInt = try? JSONReader.decode(AlertLinkCount.self, from: field)
        if let fastInt {
            #expect(fastInt == foundationInt, "\(literal)")
        } else if foundationInt != nil {
            intsOnlyFoundationReads += 1
        }
        #expect((try? JSONCoding.decode(AlertLinkCount.self, from: field)) == fastInt, "\(literal)")
    }
    // Read by Foundation only: integers spelled with a fraction or exponent beyond 2^53 (or rounding to a whole
    // number), and zeros written with an exponent. Everything else the fast reader reads too.
    #expect(intsOnlyFoundationReads < 300)
    #expect(doublesOnlyFoundationReads < 400)
}

/// An envelope whose `time` was damaged out of recognition gets "now", a different now for each decoder.
private func timeFixed(_ envelope: Envelope<DispatchRequest>) -> Envelope<DispatchRequest> {
    var envelope = envelope
    if abs(envelope.time.timeIntervalSinceNow) < 600 { envelope.time = .distantPast }
    return envelope
}

@Test func damagedDocumentsAreNeverReadDifferently() throws {
    var random = SeededRandom(seed: 0x5EED_0004)
    let originals = try (0..<40).map { _ in Array(try JSONCoding.encoder().encode(envelope(sampleDispatch(random.alert())))) }
        + [Array(try JSONCoding.encoder().encode(envelope(sampleDispatch(sampleAlert()))))]
    let inserts: [[UInt8]] = [[0x2C], [0x22], [0x5C], [0x7B], [0x7D], [0x5B], [0x5D], [0x3A], [0x20], [0x30], [0x2D], [0x65], [0xFF], [0xC3],
                              [0x00], [0x0A], Array("null".utf8), Array(#"\u"#.utf8), Array(#"\ud800"#.utf8), Array(#","x":1"#.utf8)]
    var acceptedByBoth = 0
    for _ in 0..<4_000 {
        var bytes = random.pick(originals)
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(contentsOf: random.pick(inserts), at: at)
            default: bytes[at] = random.chance(50) ? random.pick(inserts)[0] : UInt8.random(in: 0...255, using: &random)
            }
        }
        let data = Data(bytes)
        let foundation = (try? JSONCoding.decoder().decode(Envelope<DispatchRequest>.self, from: data)).map(timeFixed)
        // Soundness: whatever the strict reader accepts, Foundation accepts as the same value.
        if let fast = try? JSONReader.decode(Envelope<DispatchRequest>.self, from: data) {
            #expect(timeFixed(fast) == foundation, "\(String(decoding: data, as: UTF8.self))")
            acceptedByBoth += 1
        }
        // And JSONCoding answers as the reader does, whatever Foundation would say.
        let viaCoding = (try? JSONCoding.decode(Envelope<DispatchRequest>.self, from: data)).map(timeFixed)
        #expect(viaCoding == (try? JSONReader.decode(Envelope<DispatchRequest>.self, from: data)).map(timeFixed))
    }
    // Damage inside strings keeps many documents valid: the comparison above must have had something to compare.
    #expect(acceptedByBoth > 200)
}
