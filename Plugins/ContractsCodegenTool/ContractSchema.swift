// The message types of docs/asyncapi.yaml as the generator sees them: the JSON schemas marked `x-swift-type`.
import Foundation
import Yams

/// A Swift type a JSON value maps to.
indirect enum SwiftType: Equatable {
    case string, int, bool, double, date
    /// A generated struct or enum, or a hand-written type that reads and writes itself (`JSONValue`).
    case named(String)
    case array(SwiftType)
    case dictionary(SwiftType)

    var spelling: String {
        switch self {
        case .string: "String"
        case .int: "Int"
        case .bool: "Bool"
        case .double: "Double"
        case .date: "Date"
        case .named(let name): name
        case .array(let element): "[\(element.spelling)]"
        case .dictionary(let value): "[String: \(value.spelling)]"
        }
    }

    /// `x-swift-type` text: `Name`, `[Name]`, `[String: Name]`.
    init(spelling: String) {
        let text = spelling.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), text.hasSuffix("]") {
            let inner = String(text.dropFirst().dropLast())
            if let colon = inner.firstIndex(of: ":") {
                self = .dictionary(SwiftType(spelling: String(inner[inner.index(after: colon)...])))
            } else {
                self = .array(SwiftType(spelling: inner))
            }
            return
        }
        switch text {
        case "String": self = .string
        case "Int": self = .int
        case "Bool": self = .bool
        case "Double": self = .double
        case "Date": self = .date
        default: self = .named(text)
        }
    }
}

struct ContractProperty {
    /// The JSON key.
    var key: String
    var swiftName: String
    var type: SwiftType
    /// Absent from the JSON and nil in Swift when not required and without a default.
    var isOptional: Bool
    /// What a missing or null key reads as (`x-swift-default`, a Swift expression; `self.` names an earlier field).
    var defaultValue: String?
    /// The memberwise initializer's default for the parameter (`x-swift-init-default`), when it differs.
    var initDefault: String?
    var doc: [String]
}

struct ContractStruct {
    var swiftName: String
    var access: String
    var conformances: [String]
    /// The CloudEvents `type` of the message whose `data` this is.
    var eventType: String?
    /// False when the type's initializer is written by hand (`x-swift-init: false`).
    var memberwiseInit: Bool
    var properties: [ContractProperty]
    var doc: [String]
}

struct ContractEnum {
    var swiftName: String
    var access: String
    /// JSON value and Swift case name, in the order of the schema.
    var cases: [(value: String, name: String)]
    var doc: [String]
}

struct ContractError: Error, CustomStringConvertible {
    var description: String
}

/// Reads `components.schemas` (and the event types of `components.messages`) of an AsyncAPI document.
struct ContractSchema {
    var structs: [ContractStruct] = []
    var enums: [ContractEnum] = []

    init(yaml: String) throws {
        guard let root = try Yams.compose(yaml: yaml), let components = root["components"],
              let schemas = components["schemas"]?.mapping else {
            throw ContractError(description: "no components.schemas")
        }
        let eventTypes = Self.eventTypes(components["messages"])
        // The envelope lists every `type` a message may have: the same as the messages' own.
        if let listed = schemas[Node("Envelope")]?["properties"]?["type"]?["enum"]?.sequence?.compactMap(\.string),
           Set(listed) != Set(eventTypes.values) {
            throw ContractError(description: "Envelope.type lists \(listed.sorted()), the messages carry \(eventTypes.values.sorted())")
        }
        var names: [String: String] = [:]
        for (key, schema) in schemas {
            if let swift = schema["x-swift-type"]?.string { names[key.string ?? ""] = swift }
        }
        for (key, schema) in schemas {
            guard let schemaName = key.string, let swiftName = schema["x-swift-type"]?.string else { continue }
            let access = schema["x-swift-access"]?.string ?? "public"
            if schema["enum"] != nil {
                enums.append(try Self.enumeration(swiftName, access: access, schema))
                continue
            }
            guard let properties = schema["properties"]?.mapping else {
                throw ContractError(description: "\(schemaName): an x-swift-type needs properties or an enum")
            }
            let required = Set(schema["required"]?.sequence?.compactMap(\.string) ?? [])
            var fields: [ContractProperty] = []
            for (propertyKey, property) in properties {
                guard let key = propertyKey.string else { continue }
                let type: SwiftType
                if let spelled = property["x-swift-type"]?.string {
                    type = SwiftType(spelling: spelled)
                    if property["enum"] != nil { enums.append(try Self.enumeration(spelled, access: access, property)) }
                } else {
                    type = try Self.type(of: property, in: "\(schemaName).\(key)", names: names)
                }
                let defaultValue = property["x-swift-default"]?.string
                fields.append(ContractProperty(
                    key: key, swiftName: property["x-swift-name"]?.string ?? Self.camelCase(key), type: type,
                    isOptional: !required.contains(key) && defaultValue == nil, defaultValue: defaultValue,
                    initDefault: property["x-swift-init-default"]?.string, doc: Self.doc(property)))
            }
            structs.append(ContractStruct(
                swiftName: swiftName, access: access,
                conformances: schema["x-swift-conforms"]?.sequence?.compactMap(\.string) ?? [],
                eventType: eventTypes[schemaName], memberwiseInit: schema["x-swift-init"]?.bool ?? true,
                properties: fields, doc: Self.doc(schema)))
        }
    }

    /// `type` const → `data` schema, from each message's `payload.allOf`.
    private static func eventTypes(_ messages: Node?) -> [String: String] {
        var types: [String: String] = [:]
        for (_, message) in messages?.mapping ?? [:] {
            for part in message["payload"]?["allOf"]?.sequence ?? [] {
                guard let properties = part["properties"], let type = properties["type"]?["const"]?.string,
                      let ref = properties["data"]?["$ref"]?.string else { continue }
                types[String(ref.split(separator: "/").last ?? "")] = type
            }
        }
        return types
    }

    private static func type(of property: Node, in path: String, names: [String: String]) throws -> SwiftType {
        if let ref = property["$ref"]?.string {
            let schema = String(ref.split(separator: "/").last ?? "")
            guard let name = names[schema] else { throw ContractError(description: "\(path): \(schema) has no x-swift-type") }
            return SwiftType(spelling: name)
        }
        switch property["type"]?.string {
        case "string":
            if property["enum"] != nil { throw ContractError(description: "\(path): an enum needs an x-swift-type") }
            return property["format"]?.string == "date-time" ? .date : .string
        case "integer": return .int
        case "boolean": return .bool
        case "number": return .double
        case "array":
            guard let items = property["items"] else { throw ContractError(description: "\(path): an array without items") }
            return .array(try type(of: items, in: "\(path)[]", names: names))
        default:
            throw ContractError(description: "\(path): no Swift type for this schema; give it an x-swift-type")
        }
    }

    private static func enumeration(_ swiftName: String, access: String, _ schema: Node) throws -> ContractEnum {
        let names = schema["x-swift-cases"]?.mapping
        let cases = (schema["enum"]?.sequence ?? []).compactMap(\.string).map { value in
            (value: value, name: names?[Node(value)]?.string ?? camelCase(value))
        }
        guard !cases.isEmpty else { throw ContractError(description: "\(swiftName): an enum without values") }
        return ContractEnum(swiftName: swiftName, access: access, cases: cases, doc: doc(schema))
    }

    /// `dedup_key` → `dedupKey`.
    static func camelCase(_ key: String) -> String {
        let parts = key.split(separator: "_")
        return (parts.first.map(String.init) ?? "") + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    private static func doc(_ node: Node) -> [String] {
        guard let text = node["x-swift-doc"]?.string ?? node["description"]?.string else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
            .reversed().drop { $0.trimmingCharacters(in: .whitespaces).isEmpty }.reversed()
    }
}
