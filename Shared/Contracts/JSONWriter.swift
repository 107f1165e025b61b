// Hand-written JSON output, byte for byte what `JSONCoding.encoder()` writes (sorted keys, unescaped slashes).
import Foundation

/// A value that writes itself as JSON without going through `Encoder`. `JSONCoding.encode(_:)` uses it when a
/// value conforms; the bytes must be exactly what Foundation writes for the same value (the tests compare them).
public protocol JSONFastEncodable {
    /// Writes the value; object keys in the byte order of their UTF-8 (what `.sortedKeys` does), optionals
    /// that are nil left out (what synthesized `encodeIfPresent` does).
    func writeJSON(to writer: inout JSONWriter) throws
}

/// Appends JSON to a byte buffer. Commas are placed by looking at the last byte written, so writing a
/// document is a plain sequence of `beginObject`, `field`s and `endObject`.
///
/// Foundation's JSONEncoder builds a tree of boxed values, sorts each object's keys and then serializes the
/// tree; profiled, that was a quarter to a third of every service's CPU. Here the shapes are known, so keys are
/// written in sorted order by the code itself and nothing is boxed.
public struct JSONWriter {
    public private(set) var bytes: [UInt8]
    /// Arrays and objects open now.
    public private(set) var depth = 0

    /// Foundation refuses to write a 512th level of nesting (`EncodingError.invalidValue`).
    public static let maximumDepth = 511

    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var data: Data { Data(bytes) }

    // MARK: Structure

    /// A comma when the previous byte ends a value or a member; nothing after `{`, `[`, `:` or at the start.
    private mutating func separate() {
        guard let last = bytes.last else { return }
        if last != UInt8(ascii: "{") && last != UInt8(ascii: "[") && last != UInt8(ascii: ":") {
            bytes.append(UInt8(ascii: ","))
        }
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        depth += 1
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        depth -= 1
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        depth += 1
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        depth -= 1
    }

    /// A key known at compile time: plain ASCII that needs no escaping (a contract's field name).
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Any key, escaped like a string.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
    }

    // MARK: Values

    public mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }

    public mutating func bool(_ value: Bool) {
        separate()
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
    }

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    public mutating func int(_ value: Int) { int64(Int64(value)) }

    public mutating func int64(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // At most 20 digits; written backwards into a small stack buffer, then copied in order.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }

    /// Foundation's text for a Double: Swift's shortest round-trip `description`, without a trailing `.0`.
    /// NaN and infinity are refused, as Foundation refuses them by default.
    public mutating func double(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: [], debugDescription: "Unable to encode Double.\(value) directly in JSON."))
        }
        separate()
        var text = value.description
        text.withUTF8 { utf8 in
            let count = utf8.count >= 2 && utf8[utf8.count - 2] == UInt8(ascii: ".") && utf8[utf8.count - 1] == UInt8(ascii: "0")
                ? utf8.count - 2 : utf8.count
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[0..<count]))
        }
    }

    /// What the custom date strategy of `JSONCoding.encoder()` writes: `RFC3339.string(from:)` as a string.
    public mutating func date(_ value: Date) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        RFC3339.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Anything that writes itself.
    public mutating func value<Value: JSONFastEncodable>(_ value: Value) throws {
        try value.writeJSON(to: &self)
    }

    public mutating func array<Element: JSONFastEncodable>(_ elements: [Element]) throws {
        beginArray()
        for element in elements { try element.writeJSON(to: &self) }
        endArray()
    }

    public mutating func array(_ elements: [String]) {
        beginArray()
        for element in elements { string(element) }
        endArray()
    }

    /// A dictionary as an object, keys in the byte order of their UTF-8, as `.sortedKeys` sorts them.
    public mutating func object<Value: JSONFastEncodable>(_ members: [String: Value]) throws {
        beginObject()
        if members.count == 1, let member = members.first {
            self.key(member.key)
            try member.value.writeJSON(to: &self)
        } else if !members.isEmpty {
            for (key, value) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                self.key(key)
                try value.writeJSON(to: &self)
            }
        }
        endObject()
    }

    // MARK: Fields: a key and its value; an optional that is nil writes nothing (synthesized `encodeIfPresent`)

    public mutating func field(_ key: StaticString, _ value: String) {
        self.key(key)
        string(value)
    }

    public mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        field(key, value)
    }

    public mutating func field(_ key: StaticString, _ value: Int) {
        self.key(key)
        int(value)
    }

    public mutating func field(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        field(key, value)
    }

    public mutating func field(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bool(value)
    }

    public mutating func field(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        field(key, value)
    }

    public mutating func field(_ key: StaticString, _ value: Date) {
        self.key(key)
        date(value)
    }

    public mutating func field(_ key: StaticString, _ value: Date?) {
        guard let value else { return }
        field(key, value)
    }

    public mutating func field<Value: JSONFastEncodable>(_ key: StaticString, _ value: Value) throws {
        self.key(key)
        try value.writeJSON(to: &self)
    }

    public mutating func field<Value: JSONFastEncodable>(_ key: StaticString, _ value: Value?) throws {
        guard let value else { return }
        try field(key, value)
    }

    public mutating func field<Element: JSONFastEncodable>(_ key: StaticString, _ elements: [Element]) throws {
        self.key(key)
        try array(elements)
    }

    public mutating func field<Element: JSONFastEncodable>(_ key: StaticString, _ elements: [Element]?) throws {
        guard let elements else { return }
        try field(key, elements)
    }

    public mutating func field(_ key: StaticString, _ elements: [String]) {
        self.key(key)
        array(elements)
    }

    public mutating func field(_ key: StaticString, _ elements: [String]?) {
        guard let elements else { return }
        field(key, elements)
    }

    public mutating func field<Value: JSONFastEncodable>(_ key: StaticString, _ members: [String: Value]) throws {
        self.key(key)
        try object(members)
    }

    // MARK: Strings

    /// Escapes exactly what Foundation escapes with `.withoutEscapingSlashes`: `"`, `\`, and the control
    /// characters U+0000–U+001F (`\b \t \n \f \r` by name, the others as `\u00xx` in lowercase hex).
    /// Everything else, DEL and non-ASCII included, is copied as UTF-8.
    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var clean = true
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                clean = false
                break
            }
            if clean {
                bytes.append(contentsOf: utf8)
            } else {
                appendEscaped(utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var mark = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            let escape: UInt8
            switch byte {
            case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
            case 0x08: escape = UInt8(ascii: "b")
            case 0x09: escape = UInt8(ascii: "t")
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0C: escape = UInt8(ascii: "f")
            case 0x0D: escape = UInt8(ascii: "r")
            case 0x00..<0x20: escape = UInt8(ascii: "u")
            default: continue
            }
            if index > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<index])) }
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(escape)
            if escape == UInt8(ascii: "u") {
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            }
            mark = index + 1
        }
        if utf8.count > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<utf8.count])) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
