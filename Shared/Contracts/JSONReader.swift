// Hand-written JSON input: a strict RFC 8259 reader over bytes, straight into typed values or `JSONValue`.
import Foundation

/// A value that reads itself from JSON without going through `Decoder`. `JSONCoding.decode(_:from:)` uses it
/// when the type conforms; a value read this way must equal what `JSONCoding.decoder()` makes of the same bytes.
public protocol JSONFastDecodable {
    init(json reader: inout JSONReader) throws
}

public typealias JSONFastCodable = JSONFastEncodable & JSONFastDecodable

/// A cursor over the bytes of one JSON document, valid only inside `decode(_:from:)` / `parse(_:)`.
///
/// Strict RFC 8259: no trailing commas, no leading zeros, no bare `NaN`, no control characters or invalid
/// UTF-8 in strings, no lone surrogates in `\u` escapes, nothing but whitespace after the value, at most 512
/// levels of nesting (Foundation's limit). Foundation accepts more, and this reader refuses it: trailing
/// commas, a byte order mark or UTF-16/32 input, a key twice in one object (Foundation keeps the first), and
/// anything at all in the value of a key nobody reads (Foundation checks only its brackets and quotes there).
/// It also refuses the numbers whose reading would depend on Foundation's quirks: Ints written with a fraction or
/// exponent beyond 2^53, and zeros written with an exponent. `JSONCoding.decode` asks nobody else: what this reader
/// refuses is refused.
///
/// A caller that wants less nesting than 512 levels says so (`maximumDepth:`); going deeper is a `dataCorrupted`
/// error whose underlying error is `JSONReader.TooDeep`.
///
/// Errors are `DecodingError`s: `dataCorrupted` for bad syntax (the description names the byte offset),
/// `keyNotFound`, `valueNotFound` and `typeMismatch` with the coding path of the field.
public struct JSONReader {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    /// The byte the reader is at.
    public private(set) var offset = 0
    /// Arrays and objects open now.
    public private(set) var depth = 0
    /// Where the reader is inside typed objects and arrays, for the coding path of an error.
    private var path: [PathElement] = []

    public static let maximumDepth = 512
    /// The nesting this reader allows: `maximumDepth` unless the caller asked for less.
    private let depthLimit: Int

    /// The underlying error of the `dataCorrupted` error for nesting deeper than the reader allows.
    public struct TooDeep: Error, Sendable, CustomStringConvertible {
        public let limit: Int
        public var description: String { "JSON nests deeper than \(limit) levels" }
    }

    private enum PathElement {
        /// The offset of the current key's opening quote (-1 before the first key).
        case key(Int)
        case index(Int)
    }

    private init(base: UnsafePointer<UInt8>, count: Int, depthLimit: Int) {
        self.base = base
        self.count = count
        self.depthLimit = depthLimit
    }

    /// A reader over the same document from its first byte (to look at a part of it again).
    func rewound() -> JSONReader {
        JSONReader(base: base, count: count, depthLimit: depthLimit)
    }

    // MARK: Entry points

    public static func decode<Value: JSONFastDecodable>(_ type: Value.Type, from data: Data,
                                                        maximumDepth: Int = JSONReader.maximumDepth) throws -> Value {
        try data.withUnsafeBytes { try decode(type, from: $0, maximumDepth: maximumDepth) }
    }

    public static func decode<Value: JSONFastDecodable>(_ type: Value.Type, from bytes: UnsafeRawBufferPointer,
                                                        maximumDepth: Int = JSONReader.maximumDepth) throws -> Value {
        guard let start = bytes.baseAddress, !bytes.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "JSON: empty input"))
        }
        var reader = JSONReader(base: start.assumingMemoryBound(to: UInt8.self), count: bytes.count,
                                depthLimit: min(maximumDepth, Self.maximumDepth))
        let value: Value
        do {
            value = try Value(json: &reader)
        } catch let refusal as ContractError {
            // A contract's own refusal (the envelope's wrong type) stands only for a document that is well-formed
            // to its end, as Foundation checks the syntax of the whole document before decoding anything.
            reader.skipWhitespace()
            guard reader.offset == reader.count else { throw reader.unexpected("after the top-level value") }
            throw refusal
        }
        reader.skipWhitespace()
        guard reader.offset == reader.count else { throw reader.unexpected("after the top-level value") }
        return value
    }

    /// Any JSON document as a `JSONValue`.
    public static func parse(_ data: Data, maximumDepth: Int = JSONReader.maximumDepth) throws -> JSONValue {
        try decode(JSONValue.self, from: data, maximumDepth: maximumDepth)
    }

    // MARK: Primitive values

    public mutating func string() throws -> String {
        let byte = try peekToken()
        guard byte == UInt8(ascii: "\"") else { throw mismatch(String.self, "a string") }
        return try readString()
    }

    public mutating func optionalString() throws -> String? {
        try readNull() ? nil : string()
    }

    /// A JSON number that is exactly an integer in range: `3`, `-0`, and like Foundation also `3.0` and `3e2`
    /// (up to 2^53 in those forms; beyond that Foundation's answer depends on how the number is written,
    /// so this reader refuses and `JSONCoding` asks Foundation).
    public mutating func int() throws -> Int {
        let byte = try peekToken()
        guard byte == UInt8(ascii: "-") || Self.isDigit(byte) else { throw mismatch(Int.self, "a number") }
        let start = offset
        let number = try scanNumber()
        guard let value = number.exactInteger else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                debugDescription: "JSON: number \(text(start..<offset)) at byte \(start) is not an integer that fits in Int"))
        }
        return value
    }

    public mutating func optionalInt() throws -> Int? {
        try readNull() ? nil : int()
    }

    public mutating func double() throws -> Double {
        let byte = try peekToken()
        guard byte == UInt8(ascii: "-") || Self.isDigit(byte) else { throw mismatch(Double.self, "a number") }
        return try readDouble()
    }

    public mutating func optionalDouble() throws -> Double? {
        try readNull() ? nil : double()
    }

    public mutating func bool() throws -> Bool {
        switch try peekToken() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default:
            throw mismatch(Bool.self, "a boolean")
        }
    }

    public mutating func optionalBool() throws -> Bool? {
        try readNull() ? nil : bool()
    }

    /// An RFC 3339 time, with the semantics of the custom strategy of `JSONCoding.decoder()`.
    public mutating func date() throws -> Date {
        let byte = try peekToken()
        guard byte == UInt8(ascii: "\"") else { throw mismatch(Date.self, "an RFC 3339 time string") }
        let start = offset
        if let simple = simpleASCIIString() {
            if let date = RFC3339.date(utf8: simple) { return date }
            throw notATime(String(decoding: simple, as: UTF8.self), at: start)
        }
        let text = try readString()
        guard let date = RFC3339.date(from: text) else { throw notATime(text, at: start) }
        return date
    }

    public mutating func optionalDate() throws -> Date? {
        try readNull() ? nil : date()
    }

    /// Consumes a `null` if that is what comes next.
    public mutating func readNull() throws -> Bool {
        guard try peekToken() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    // MARK: Nested values

    public mutating func decode<Value: JSONFastDecodable>(_ type: Value.Type) throws -> Value {
        try Value(json: &self)
    }

    public mutating func optional<Value: JSONFastDecodable>(_ type: Value.Type) throws -> Value? {
        try readNull() ? nil : Value(json: &self)
    }

    /// An array, each element read by `element`.
    public mutating func array<Element>(_ element: (inout JSONReader) throws -> Element) throws -> [Element] {
        guard try peekToken() == UInt8(ascii: "[") else { throw mismatch([Element].self, "an array") }
        try enterContainer()
        path.append(.index(0))
        var elements: [Element] = []
        if try peekToken() == UInt8(ascii: "]") {
            offset += 1
        } else {
            while true {
                path[path.count - 1] = .index(elements.count)
                elements.append(try element(&self))
                if try endOfArray() { break }
            }
        }
        path.removeLast()
        depth -= 1
        return elements
    }

    public mutating func array<Element: JSONFastDecodable>(of type: Element.Type) throws -> [Element] {
        try array { try Element(json: &$0) }
    }

    public mutating func optionalArray<Element: JSONFastDecodable>(of type: Element.Type) throws -> [Element]? {
        try readNull() ? nil : array(of: type)
    }

    public mutating func stringArray() throws -> [String] {
        try array { try $0.string() }
    }

    public mutating func optionalStringArray() throws -> [String]? {
        try readNull() ? nil : stringArray()
    }

    /// An object read as a dictionary (`[String: JSONValue]` details).
    public mutating func dictionary<Value: JSONFastDecodable>(of type: Value.Type) throws -> [String: Value] {
        guard try peekToken() == UInt8(ascii: "{") else { throw mismatch([String: Value].self, "an object") }
        try enterContainer()
        path.append(.key(-1))
        var members: [String: Value] = [:]
        if try peekToken() == UInt8(ascii: "}") {
            offset += 1
        } else {
            while true {
                let keyOffset = try expectKey()
                path[path.count - 1] = .key(keyOffset)
                let key = try readString()
                try expectColon()
                if members.updateValue(try Value(json: &self), forKey: key) != nil { throw duplicateKey(at: keyOffset) }
                if try endOfObject() { break }
            }
        }
        path.removeLast()
        depth -= 1
        return members
    }

    public mutating func optionalDictionary<Value: JSONFastDecodable>(of type: Value.Type) throws -> [String: Value]? {
        try readNull() ? nil : dictionary(of: type)
    }

    /// Any JSON value.
    public mutating func value() throws -> JSONValue {
        switch try peekToken() {
        case UInt8(ascii: "{"):
            return .object(try dictionary(of: JSONValue.self))
        case UInt8(ascii: "["):
            return .array(try array(of: JSONValue.self))
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try readDouble())
        default:
            throw unexpected("where a value should start")
        }
    }

    /// Reads and drops a value (an unknown key's), checking it as strictly as any other.
    public mutating func skipValue() throws {
        _ = try value()
    }

    // MARK: Typed objects

    /// Starts reading an object whose keys are the cases of `Field`; then `nextField` until it returns nil.
    public mutating func beginObject<Field: JSONFieldName>(_ fields: Field.Type) throws -> JSONObjectCursor<Field> {
        guard try peekToken() == UInt8(ascii: "{") else { throw mismatch([String: Any].self, "an object") }
        try enterContainer()
        path.append(.key(-1))
        return JSONObjectCursor(table: Field.fieldTable)
    }

    /// The next known key of the object, positioned at its value, which the caller must read. Unknown keys are
    /// skipped (as Codable ignores them); a known key twice in one object is refused.
    public mutating func nextField<Field>(_ cursor: inout JSONObjectCursor<Field>) throws -> Field? {
        while true {
            if cursor.started {
                if try endOfObject() {
                    path.removeLast()
                    depth -= 1
                    return nil
                }
            } else {
                cursor.started = true
                if try peekToken() == UInt8(ascii: "}") {
                    offset += 1
                    path.removeLast()
                    depth -= 1
                    return nil
                }
            }
            let keyOffset = try expectKey()
            path[path.count - 1] = .key(keyOffset)
            let index: Int?
            if let simple = simpleASCIIString() {
                index = cursor.table.index(of: simple, hint: cursor.hint)
            } else {
                var key = try readString()
                index = key.withUTF8 { cursor.table.index(of: $0, hint: cursor.hint) }
            }
            try expectColon()
            guard let index else {
                try skipValue()
                continue
            }
            let bit: UInt64 = 1 << UInt64(index)
            guard cursor.seen & bit == 0 else { throw duplicateKey(at: keyOffset) }
            cursor.seen |= bit
            cursor.hint = index + 1
            return cursor.table.fields[index]
        }
    }

    /// The value of a required key, or `keyNotFound` naming it (call after `nextField` returned nil).
    public func required<Value, Field: JSONFieldName>(_ value: Value?, _ field: Field) throws -> Value {
        guard let value else {
            throw DecodingError.keyNotFound(JSONCodingKey(field.rawValue), .init(codingPath: codingPath,
                debugDescription: "JSON: no value for key \"\(field.rawValue)\" in the object ending at byte \(offset)"))
        }
        return value
    }

    // MARK: Errors

    /// Where the reader is, as Codable names it: keys and array indices of the typed containers open now.
    public var codingPath: [any CodingKey] {
        path.compactMap { element -> (any CodingKey)? in
            switch element {
            case .key(let at):
                guard at >= 0 else { return nil }
                // The key is read again from its quote; with no path, so that a key that is itself broken
                // (cut short) cannot send its own error back here.
                var copy = self
                copy.offset = at
                copy.path = []
                return JSONCodingKey((try? copy.readString()) ?? "?")
            case .index(let index):
                return JSONCodingKey(index: index)
            }
        }
    }

    /// An error for a value this reader could read but that the contract refuses (an unknown enum value).
    public func invalidValue(_ message: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(message) (at byte \(offset))"))
    }

    private func unexpected(_ context: String) -> DecodingError {
        guard offset < count else {
            return .dataCorrupted(.init(codingPath: codingPath, debugDescription: "JSON: unexpected end of input \(context) at byte \(offset)"))
        }
        return .dataCorrupted(.init(codingPath: codingPath,
            debugDescription: "JSON: unexpected \(Self.describe(base[offset])) \(context) at byte \(offset)"))
    }

    private func corrupted(_ message: String, at position: Int) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "JSON: \(message) at byte \(position)"))
    }

    private func duplicateKey(at position: Int) -> DecodingError {
        corrupted("key appears twice in one object", at: position)
    }

    private func notATime(_ text: String, at position: Int) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "not an RFC 3339 time: \(text.prefix(40)) (at byte \(position))"))
    }

    /// `typeMismatch` for a value of the wrong kind, `valueNotFound` for a null where a value is required.
    private func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        guard offset < count else { return unexpected("where \(expected) should start") }
        let found: String
        switch base[offset] {
        case UInt8(ascii: "n"):
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "JSON: expected \(expected), found null at byte \(offset)"))
        case UInt8(ascii: "\""): found = "a string"
        case UInt8(ascii: "{"): found = "an object"
        case UInt8(ascii: "["): found = "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): found = "a boolean"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): found = "a number"
        default: return unexpected("where \(expected) should start")
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "JSON: expected \(expected), found \(found) at byte \(offset)"))
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
    }

    // MARK: Structure

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private mutating func skipWhitespace() {
        while offset < count {
            switch base[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): offset += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    private mutating func peekToken() throws -> UInt8 {
        skipWhitespace()
        guard offset < count else { throw unexpected("where a value should be") }
        return base[offset]
    }

    /// Consumes the `{` or `[` at `offset`, one level deeper.
    private mutating func enterContainer() throws {
        guard depth < depthLimit else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                debugDescription: "JSON: nesting deeper than \(depthLimit) levels at byte \(offset)", underlyingError: TooDeep(limit: depthLimit)))
        }
        depth += 1
        offset += 1
    }

    /// After a member: true (consumed) at `}`, false (consumed) at `,`.
    private mutating func endOfObject() throws -> Bool {
        switch try peekToken() {
        case UInt8(ascii: "}"):
            offset += 1
            return true
        case UInt8(ascii: ","):
            offset += 1
            return false
        default:
            throw unexpected("after an object member (expected ',' or '}')")
        }
    }

    /// After an element: true (consumed) at `]`, false (consumed) at `,` followed by another element.
    private mutating func endOfArray() throws -> Bool {
        switch try peekToken() {
        case UInt8(ascii: "]"):
            offset += 1
            return true
        case UInt8(ascii: ","):
            offset += 1
            guard try peekToken() != UInt8(ascii: "]") else { throw unexpected("after ',' (trailing comma)") }
            return false
        default:
            throw unexpected("after an array element (expected ',' or ']')")
        }
    }

    /// The offset of the key's opening quote, not consumed.
    private mutating func expectKey() throws -> Int {
        guard try peekToken() == UInt8(ascii: "\"") else { throw unexpected("where a key should be") }
        return offset
    }

    private mutating func expectColon() throws {
        guard try peekToken() == UInt8(ascii: ":") else { throw unexpected("after a key (expected ':')") }
        offset += 1
    }

    private mutating func literal(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard count - offset >= length, memcmp(base + offset, word.utf8Start, length) == 0 else {
            throw corrupted("not \(word)", at: offset)
        }
        offset += length
    }

    // MARK: Strings

    /// The contents of a string that has no escapes and only ASCII, consumed; nil, with nothing consumed, for
    /// any other string. `offset` is at the opening quote.
    private mutating func simpleASCIIString() -> UnsafeBufferPointer<UInt8>? {
        let start = offset + 1
        var index = start
        while index < count {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                offset = index + 1
                return UnsafeBufferPointer(start: base + start, count: index - start)
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// A string at `offset` (at its opening quote), consumed.
    private mutating func readString() throws -> String {
        let start = offset + 1
        var index = start
        var union: UInt8 = 0
        while index < count {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                let contents = UnsafeBufferPointer(start: base + start, count: index - start)
                if union < 0x80 {
                    offset = index + 1
                    return String(decoding: contents, as: UTF8.self)
                }
                guard let text = String(validating: contents, as: UTF8.self) else {
                    throw corrupted("invalid UTF-8 in the string", at: start - 1)
                }
                offset = index + 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            union |= byte
            index += 1
        }
        return try readEscapedString(start: start, from: index)
    }

    /// The slow path of `readString`: escapes, control characters, or the end of the input.
    private mutating func readEscapedString(start: Int, from resume: Int) throws -> String {
        var utf8 = Array(UnsafeBufferPointer(start: base + start, count: resume - start))
        var index = resume
        while true {
            guard index < count else {
                offset = index
                throw unexpected("inside a string")
            }
            let byte = base[index]
            switch byte {
            case UInt8(ascii: "\""):
                // Escapes only ever add whole, valid sequences, so validating the result validates the raw parts.
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw corrupted("invalid UTF-8 in the string", at: start - 1)
                }
                offset = index + 1
                return text
            case UInt8(ascii: "\\"):
                guard index + 1 < count else {
                    offset = index + 1
                    throw unexpected("inside a string")
                }
                let escaped = base[index + 1]
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    index = try readUnicodeEscape(at: index, into: &utf8)
                    continue
                default:
                    throw corrupted("invalid escape \\\(Character(Unicode.Scalar(escaped)))", at: index)
                }
                index += 2
            case 0x00..<0x20:
                throw corrupted("unescaped control character \(Self.describe(byte)) in a string", at: index)
            default:
                utf8.append(byte)
                index += 1
            }
        }
    }

    /// `\uXXXX` at `index` (its backslash), or a surrogate pair `\uD8XX\uDCXX`; returns the index after it.
    /// A lone surrogate is refused, as Foundation refuses it.
    private func readUnicodeEscape(at index: Int, into utf8: inout [UInt8]) throws -> Int {
        let first = try hexQuad(at: index + 2)
        var scalarValue = UInt32(first)
        var end = index + 6
        if UTF16.isLeadSurrogate(first) {
            guard end + 1 < count, base[end] == UInt8(ascii: "\\"), base[end + 1] == UInt8(ascii: "u") else {
                throw corrupted("high surrogate \\u\(String(first, radix: 16)) without a low surrogate after it", at: index)
            }
            let second = try hexQuad(at: end + 2)
            guard UTF16.isTrailSurrogate(second) else {
                throw corrupted("high surrogate \\u\(String(first, radix: 16)) without a low surrogate after it", at: index)
            }
            scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            end += 6
        } else if UTF16.isTrailSurrogate(first) {
            throw corrupted("low surrogate \\u\(String(first, radix: 16)) without a high surrogate before it", at: index)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw corrupted("invalid \\u escape", at: index) }
        utf8.append(contentsOf: UTF8.encode(scalar)!)
        return end
    }

    private func hexQuad(at index: Int) throws -> UInt16 {
        guard index + 4 <= count else { throw corrupted("\\u escape cut short", at: index - 2) }
        var value: UInt16 = 0
        for position in index..<(index + 4) {
            let byte = base[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw corrupted("invalid hex digit \(Self.describe(byte)) in a \\u escape", at: position)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    // MARK: Numbers

    /// A number as written: up to 19 significant digits in `mantissa`, the value being mantissa × 10^exponent
    /// (exactly, unless `inexact`: more digits that were not all zero).
    private struct Number {
        var negative = false
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var inexact = false
        var isPlainInteger = true
        var hasExponent = false

        /// The value when it is exactly an integer that fits in Int.
        var exactInteger: Int? {
            guard !inexact else { return nil }
            if mantissa == 0 { return 0 }
            var magnitude = mantissa
            if exponent > 0 {
                for _ in 0..<exponent {
                    let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                    guard !overflow else { return nil }
                    magnitude = product
                }
            } else if exponent < 0 {
                for _ in 0..<(-exponent) {
                    guard magnitude % 10 == 0 else { return nil }
                    magnitude /= 10
                }
            }
            // Written with a fraction or an exponent, Foundation's answer beyond 2^53 depends on the spelling.
            guard isPlainInteger || magnitude <= 1 << 53 else { return nil }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude)
            }
            guard magnitude <= UInt64(Int.max) else { return nil }
            return Int(magnitude)
        }
    }

    /// Scans and checks a number at `offset` (RFC 8259 grammar), consumed.
    private mutating func scanNumber() throws -> Number {
        var number = Number()
        var index = offset
        func accumulate(_ digit: UInt8, fraction: Bool) {
            if number.mantissa == 0 && digit == 0 {
                if fraction { number.exponent -= 1 }
            } else if number.significantDigits < 19 {
                number.mantissa = number.mantissa * 10 + UInt64(digit)
                number.significantDigits += 1
                if fraction { number.exponent -= 1 }
            } else {
                if digit != 0 { number.inexact = true }
                if !fraction { number.exponent += 1 }
            }
        }
        if base[index] == UInt8(ascii: "-") {
            number.negative = true
            index += 1
        }
        guard index < count, Self.isDigit(base[index]) else {
            offset = index
            throw unexpected("in a number (expected a digit)")
        }
        if base[index] == UInt8(ascii: "0") {
            index += 1
            if index < count, Self.isDigit(base[index]) { throw corrupted("number with a leading zero", at: offset) }
        } else {
            while index < count, Self.isDigit(base[index]) {
                accumulate(base[index] - UInt8(ascii: "0"), fraction: false)
                index += 1
            }
        }
        if index < count, base[index] == UInt8(ascii: ".") {
            number.isPlainInteger = false
            index += 1
            guard index < count, Self.isDigit(base[index]) else {
                offset = index
                throw unexpected("in a number (expected a digit after '.')")
            }
            while index < count, Self.isDigit(base[index]) {
                accumulate(base[index] - UInt8(ascii: "0"), fraction: true)
                index += 1
            }
        }
        if index < count, base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E") {
            number.isPlainInteger = false
            number.hasExponent = true
            index += 1
            var negativeExponent = false
            if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") {
                negativeExponent = base[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count, Self.isDigit(base[index]) else {
                offset = index
                throw unexpected("in a number (expected a digit in the exponent)")
            }
            var exponent = 0
            while index < count, Self.isDigit(base[index]) {
                // Far beyond any Double either way; capped so that it cannot overflow.
                exponent = min(exponent * 10 + Int(base[index] - UInt8(ascii: "0")), 1_000_000)
                index += 1
            }
            number.exponent += negativeExponent ? -exponent : exponent
        }
        offset = index
        return number
    }

    private static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

    /// A number as the Double Foundation makes of it; refused when Foundation would refuse it (out of range,
    /// or so small that it rounds to zero). A zero written with an exponent is refused too: Foundation's check
    /// for "a true zero, not an underflow" reads short numbers from the end, so it refuses `0e1` but accepts
    /// `0e+1` and `0e10`; rather than copy that, such zeros are left to Foundation.
    private mutating func readDouble() throws -> Double {
        let start = offset
        let number = try scanNumber()
        var value: Double
        if !number.inexact && number.significantDigits <= 15 && (-22...22).contains(number.exponent) {
            // Both operands exact, one rounding: correctly rounded (Clinger's fast path).
            value = Double(number.mantissa)
            if number.exponent > 0 { value *= Self.powersOfTen[number.exponent] }
            if number.exponent < 0 { value /= Self.powersOfTen[-number.exponent] }
        } else {
            guard let parsed = Double(text(start..<offset)) else { throw corrupted("number is not representable", at: start) }
            value = parsed.magnitude
        }
        guard value.isFinite, value != 0 || (number.mantissa == 0 && !number.inexact && !number.hasExponent) else {
            throw corrupted("number \(text(start..<offset).prefix(40)) is not representable as a Double", at: start)
        }
        return number.negative ? -value : value
    }
}

/// The keys of one contract's JSON object: cases in the byte order of their names, which is the order the
/// writer emits them in, so that reading our own output matches each key on the first comparison.
public protocol JSONFieldName: CaseIterable, RawRepresentable<String>, Sendable {
    static var fieldTable: JSONFieldTable<Self> { get }
}

/// The names of a `JSONFieldName` as bytes, built once per type.
public struct JSONFieldTable<Field: JSONFieldName>: Sendable {
    fileprivate let fields: [Field]
    private let names: [[UInt8]]

    public init() {
        fields = Array(Field.allCases)
        names = fields.map { Array($0.rawValue.utf8) }
        precondition(fields.count <= 64, "a JSON object type with more than 64 fields")
    }

    fileprivate func index(of key: UnsafeBufferPointer<UInt8>, hint: Int) -> Int? {
        if hint < names.count, matches(names[hint], key) { return hint }
        for index in names.indices where index != hint && matches(names[index], key) { return index }
        return nil
    }

    private func matches(_ name: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == key.count else { return false }
        return name.withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
    }
}

/// Reading one object: which known keys were seen, and which one is expected next.
public struct JSONObjectCursor<Field: JSONFieldName> {
    fileprivate let table: JSONFieldTable<Field>
    fileprivate var seen: UInt64 = 0
    fileprivate var hint = 0
    fileprivate var started = false
}

/// A key or index in the coding path of a fast-path error.
public struct JSONCodingKey: CodingKey, Sendable {
    public let stringValue: String
    public let intValue: Int?

    public init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    public init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }

    public init?(stringValue: String) { self.init(stringValue) }
    public init?(intValue: Int) { self.init(index: intValue) }
}

/// A contract enum written as its raw string; an unknown raw value is refused.
public protocol JSONStringEnum: JSONFastCodable, RawRepresentable<String> {}

extension JSONStringEnum {
    public init(json reader: inout JSONReader) throws {
        let raw = try reader.string()
        guard let value = Self(rawValue: raw) else {
            throw reader.invalidValue("Cannot initialize \(Self.self) from invalid String value \(raw.prefix(80))")
        }
        self = value
    }

    public func writeJSON(to writer: inout JSONWriter) { writer.string(rawValue) }
}
