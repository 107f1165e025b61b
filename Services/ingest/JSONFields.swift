// Typed reads of a JSON object's fields that fail with the field's path: the grammar of every intake shape.
import Contracts
import Foundation

struct JSONFields {
    let object: [String: JSONValue]
    let path: String

    init(_ object: [String: JSONValue], path: String = "") {
        self.object = object
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// How deep intake may nest. No alert needs more than a few levels; a device's payload deeper than this is
    /// refused as soon as the reader gets there, with nothing of it kept.
    static let maximumDepth = 32

    /// The payload as a JSON object, or the rejection that says why not: nested too deeply, not JSON, not an object.
    static func object(from payload: Data) throws(MessageRejection) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONReader.parse(payload, maximumDepth: maximumDepth)
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is JSONReader.TooDeep {
            throw MessageRejection(.invalidValue, "JSON nests deeper than \(maximumDepth) levels")
        } catch {
            throw MessageRejection(.malformedJSON, "payload is not valid JSON: \(IntakeNormalizer.describe(error))")
        }
        guard case .object(let object) = value else {
            throw MessageRejection(.notAnObject, "payload must be a JSON object, not \(value.typeName)")
        }
        return object
    }

    /// A string field; nil when absent or null.
    func string(_ key: String) throws(MessageRejection) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let value?: throw MessageRejection(.wrongType, "\(fieldPath(key)) must be a string, not \(value.typeName)", field: fieldPath(key))
        }
    }

    /// A string field that must be there and not blank.
    func requiredString(_ key: String) throws(MessageRejection) -> String {
        guard let value = try string(key) else {
            throw MessageRejection(.missingField, "\(fieldPath(key)) is required", field: fieldPath(key))
        }
        guard !value.allSatisfy(\.isWhitespace) else {
            throw MessageRejection(.invalidValue, "\(fieldPath(key)) must not be empty", field: fieldPath(key))
        }
        return value
    }

    func object(_ key: String) throws(MessageRejection) -> [String: JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let value)?: return value
        case let value?: throw MessageRejection(.wrongType, "\(fieldPath(key)) must be an object, not \(value.typeName)", field: fieldPath(key))
        }
    }

    func array(_ key: String) throws(MessageRejection) -> [JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .array(let value)?: return value
        case let value?: throw MessageRejection(.wrongType, "\(fieldPath(key)) must be an array, not \(value.typeName)", field: fieldPath(key))
        }
    }

    /// A string or a number (identifiers some senders write as numbers), as text.
    func identifier(_ key: String) throws(MessageRejection) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case .number(let value)?: return value.rounded() == value ? String(Int64(value)) : String(value)
        case let value?: throw MessageRejection(.wrongType, "\(fieldPath(key)) must be a string, not \(value.typeName)", field: fieldPath(key))
        }
    }

    func int(_ key: String) throws(MessageRejection) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let value)? where value.rounded() == value && abs(value) < 1e12: return Int(value)
        case let value?: throw MessageRejection(.wrongType, "\(fieldPath(key)) must be an integer, not \(value.typeName)", field: fieldPath(key))
        }
    }

    func time(_ key: String) throws(MessageRejection) -> Date? {
        guard let text = try string(key) else { return nil }
        guard let date = RFC3339.date(from: text) else {
            throw MessageRejection(.invalidValue, "\(fieldPath(key)) must be an RFC 3339 time, e.g. 2026-11-23T17:00:00Z", field: fieldPath(key))
        }
        return date
    }

    func severity(_ key: String) throws(MessageRejection) -> Severity? {
        guard let text = try string(key) else { return nil }
        guard let severity = Severity(rawValue: text.lowercased()) else {
            throw MessageRejection(.unknownSeverity, "\(fieldPath(key)) must be critical, error, warning or info, not \"\(text.prefix(40))\"",
                                  field: fieldPath(key))
        }
        return severity
    }

    func links(_ key: String) throws(MessageRejection) -> [AlertLink] {
        guard let items = try array(key) else { return [] }
        var links: [AlertLink] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(fieldPath(key))[\(index)]"
            guard case .object(let object) = item else {
                throw MessageRejection(.wrongType, "\(itemPath) must be an object with href, not \(item.typeName)", field: itemPath)
            }
            let fields = JSONFields(object, path: itemPath)
            links.append(AlertLink(href: try fields.requiredString("href"), text: try fields.string("text")))
        }
        return links
    }
}
