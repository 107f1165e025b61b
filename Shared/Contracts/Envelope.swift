// The envelope around every message the services publish, with CloudEvents 1.0 attribute names.
import Foundation

/// A message payload that travels in an `Envelope`: its CloudEvents `type` and the version of its shape.
public protocol EnvelopePayload: Codable, Sendable, Equatable {
    static var eventType: String { get }
    static var version: Int { get }
}

extension EnvelopePayload {
    public static var version: Int { 1 }
}

public struct Envelope<Payload: EnvelopePayload>: Codable, Sendable, Equatable {
    public var specversion: String
    /// Unique per message; consumers drop a redelivered id through their inbox.
    public var id: String
    public var type: String
    /// The publishing service, e.g. `alerting/ingest`.
    public var source: String
    public var time: Date
    /// CloudEvents extension attribute: the tenant the message belongs to.
    public var tenant: String
    /// CloudEvents extension attribute: the version of the payload's shape.
    public var dataversion: Int
    public var datacontenttype: String
    public var data: Payload

    public init(id: String = MessageID.make(), source: String, tenant: String, time: Date = Date(), data: Payload) {
        self.specversion = "1.0"
        self.id = id
        self.type = Payload.eventType
        self.source = source
        self.time = time
        self.tenant = tenant
        self.dataversion = Payload.version
        self.datacontenttype = "application/json"
        self.data = data
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        specversion = try container.decodeIfPresent(String.self, forKey: .specversion) ?? "1.0"
        id = try container.decode(String.self, forKey: .id)
        type = try container.decode(String.self, forKey: .type)
        // Checked before the payload is read, so a message of another kind says so instead of naming a missing field.
        guard type == Payload.eventType else {
            throw ContractError(code: "wrong_type", message: "expected \(Payload.eventType), got \(type.prefix(80))")
        }
        source = try container.decodeIfPresent(String.self, forKey: .source) ?? ""
        time = try container.decodeIfPresent(Date.self, forKey: .time) ?? Date()
        tenant = try container.decode(String.self, forKey: .tenant)
        dataversion = try container.decodeIfPresent(Int.self, forKey: .dataversion) ?? 1
        datacontenttype = try container.decodeIfPresent(String.self, forKey: .datacontenttype) ?? "application/json"
        data = try container.decode(Payload.self, forKey: .data)
    }

    public func encoded() throws -> Data { try JSONCoding.encode(self) }

    public static func decode(_ data: Data) throws -> Envelope<Payload> {
        try JSONCoding.decode(Envelope<Payload>.self, from: data)
    }
}

public struct ContractError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String
    public init(code: String, message: String) { self.code = code; self.message = message }
    public var description: String { "\(code): \(message)" }
}

/// Message and alert identifiers: time-ordered, unique, safe in a topic segment.
public enum MessageID {
    public static func make() -> String {
        let millis = UInt64(Date().timeIntervalSince1970 * 1000)
        var random = SystemRandomNumberGenerator()
        let suffix = String(random.next() & 0xFFFF_FFFF_FFFF, radix: 16)
        return String(millis, radix: 16) + "-" + String(repeating: "0", count: max(0, 12 - suffix.count)) + suffix
    }

    /// A stable id derived from parts, so that re-processing the same input yields the same id (FNV-1a 64, two rounds).
    /// When the first part is a time-ordered id (`make()`'s `<hex millis>-…`), the result keeps its time prefix: ids
    /// derived from recent messages then sort together, so the B-tree indexes they key (inboxes, dispatches,
    /// deliveries) grow at their right edge instead of dirtying a random page per insert.
    public static func derived(_ parts: String...) -> String {
        let hash = fnv(parts)
        guard let first = parts.first, let prefix = timePrefix(first) else { return hash }
        return prefix + "-" + hash
    }

    /// The `<hex millis>` in front of a time-ordered id, if `id` has one.
    static func timePrefix(_ id: String) -> Substring? {
        guard let dash = id.utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let head = id[..<dash]
        guard (8...16).contains(head.utf8.count), head.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            return nil
        }
        return head
    }

    private static func fnv(_ parts: [String]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for part in parts {
            for byte in part.utf8 {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 &+ 0x9E37_79B9
            }
            a = (a ^ 0x1F) &* 0x0000_0100_0000_01B3
            b = (b ^ 0x1F) &* 0x0000_0100_0000_01B3
        }
        return String(a, radix: 16) + String(b, radix: 16)
    }
}
