// The Swift of the message types: declarations, memberwise initializers, Codable, and the JSONWriter/JSONReader path.

struct SwiftEmitter {
    private(set) var text = ""
    private var indent = 0

    /// The names the generated initializers use for themselves; a field may not take one.
    private static let reserved: Set<String> = ["reader", "writer", "decoder", "container", "jsonKey", "jsonObject"]

    init(_ schema: ContractSchema, source: String, imports: [String]) throws {
        line("// Generated from \(source) by ContractsCodegenTool at build time. Do not edit: change the schema and build.")
        for module in ["Foundation"] + imports { line("import \(module)") }
        for enumeration in schema.enums { emit(enumeration) }
        for type in schema.structs {
            for property in type.properties where Self.reserved.contains(property.swiftName) {
                throw ContractError(description: "\(type.swiftName).\(property.key): \(property.swiftName) is a reserved name; set x-swift-name")
            }
            try emit(type)
        }
    }

    // MARK: Enums

    private mutating func emit(_ enumeration: ContractEnum) {
        line()
        nested(enumeration.swiftName) { emitter, name in
            emitter.doc(enumeration.doc)
            emitter.block("\(enumeration.access) enum \(name): String, Codable, Sendable, CaseIterable") { emitter in
                for (value, caseName) in enumeration.cases {
                    emitter.line(caseName == value ? "case \(caseName)" : "case \(caseName) = \(Self.quoted(value))")
                }
            }
        }
        line()
        line("extension \(enumeration.swiftName): JSONStringEnum {}")
    }

    // MARK: Structs

    private mutating func emit(_ type: ContractStruct) throws {
        let access = type.access
        var conformances = ["Codable", "Sendable", "Equatable"]
        if type.eventType != nil { conformances.append("EnvelopePayload") }
        conformances += type.conformances.filter { !conformances.contains($0) }
        line()
        nested(type.swiftName) { emitter, name in
            emitter.doc(type.doc)
            emitter.block("\(access) struct \(name): \(conformances.joined(separator: ", "))") { emitter in
                if let eventType = type.eventType {
                    emitter.line("\(access) static let eventType = \(Self.quoted(eventType))")
                    emitter.line()
                }
                for (index, property) in type.properties.enumerated() {
                    if index > 0 && !property.doc.isEmpty { emitter.line() }
                    emitter.doc(property.doc)
                    emitter.line("\(access) var \(property.swiftName): \(Self.spelling(property))")
                }
                if type.memberwiseInit { emitter.memberwiseInit(type) }
                emitter.codable(type)
            }
        }
        line()
        let member = access == "public" ? "public " : ""
        try block("extension \(type.swiftName): JSONFastCodable") { emitter in
            emitter.block("private enum JSONField: String, JSONFieldName") { emitter in
                for property in Self.byKey(type.properties) {
                    emitter.line(property.key == property.swiftName
                        ? "case \(property.swiftName)" : "case \(property.swiftName) = \(Self.quoted(property.key))")
                }
                emitter.line("static let fieldTable = JSONFieldTable<JSONField>()")
            }
            emitter.line()
            try emitter.block("\(member)func writeJSON(to writer: inout JSONWriter) throws") { emitter in
                emitter.line("writer.beginObject()")
                for property in Self.byKey(type.properties) { try emitter.write(property) }
                emitter.line("writer.endObject()")
            }
            emitter.line()
            try emitter.block("\(member)init(json reader: inout JSONReader) throws") { emitter in
                for property in type.properties {
                    emitter.line("var \(property.swiftName): \(property.type.spelling)? = nil")
                }
                emitter.line("var jsonObject = try reader.beginObject(JSONField.self)")
                try emitter.block("while let jsonKey = try reader.nextField(&jsonObject)") { emitter in
                    try emitter.block("switch jsonKey", indented: false) { emitter in
                        for property in Self.byKey(type.properties) {
                            let read = try Self.read(property.type, optional: property.isOptional || property.defaultValue != nil)
                            emitter.line("case .\(property.swiftName): \(property.swiftName) = try \(read)")
                        }
                    }
                }
                for property in type.properties {
                    let name = property.swiftName
                    emitter.line(Self.assignment(property, optional: name, required: "try reader.required(\(name), JSONField.\(name))"))
                }
            }
        }
    }

    private mutating func memberwiseInit(_ type: ContractStruct) {
        line()
        let parameters = type.properties.map { property -> String in
            var parameter = "\(property.swiftName): \(Self.spelling(property))"
            if let value = property.initDefault ?? (property.isOptional ? "nil" : property.defaultValue.flatMap { $0.contains("self.") ? nil : $0 }) {
                parameter += " = \(value)"
            }
            return parameter
        }
        block("\(type.access) init(\(parameters.joined(separator: ", ")))") { emitter in
            for property in type.properties { emitter.line("self.\(property.swiftName) = \(property.swiftName)") }
        }
    }

    private mutating func codable(_ type: ContractStruct) {
        line()
        block("enum CodingKeys: String, CodingKey") { emitter in
            for property in type.properties {
                emitter.line(property.key == property.swiftName
                    ? "case \(property.swiftName)" : "case \(property.swiftName) = \(Self.quoted(property.key))")
            }
        }
        line()
        block("\(type.access) init(from decoder: any Decoder) throws") { emitter in
            emitter.line("let container = try decoder.container(keyedBy: CodingKeys.self)")
            for property in type.properties {
                let name = property.swiftName
                let spelled = property.type.spelling
                emitter.line(Self.assignment(property, optional: "try container.decodeIfPresent(\(spelled).self, forKey: .\(name))",
                                             required: "try container.decode(\(spelled).self, forKey: .\(name))"))
            }
        }
    }

    // MARK: Fields

    private mutating func write(_ property: ContractProperty) throws {
        let key = Self.quoted(property.key)
        switch property.type {
        case .string, .int, .bool, .date, .array(.string):
            line("writer.field(\(key), \(property.swiftName))")
        case .named, .array(.named):
            line("try writer.field(\(key), \(property.swiftName))")
        case .dictionary(.named) where !property.isOptional:
            line("try writer.field(\(key), \(property.swiftName))")
        default:
            throw ContractError(description: "\(property.key): JSONWriter has no field for \(Self.spelling(property))")
        }
    }

    private static func read(_ type: SwiftType, optional: Bool) throws -> String {
        switch type {
        case .string: optional ? "reader.optionalString()" : "reader.string()"
        case .int: optional ? "reader.optionalInt()" : "reader.int()"
        case .bool: optional ? "reader.optionalBool()" : "reader.bool()"
        case .double: optional ? "reader.optionalDouble()" : "reader.double()"
        case .date: optional ? "reader.optionalDate()" : "reader.date()"
        case .named(let name): optional ? "reader.optional(\(name).self)" : "reader.decode(\(name).self)"
        case .array(.string): optional ? "reader.optionalStringArray()" : "reader.stringArray()"
        case .array(.named(let name)): optional ? "reader.optionalArray(of: \(name).self)" : "reader.array(of: \(name).self)"
        case .dictionary(.named(let name)): optional ? "reader.optionalDictionary(of: \(name).self)" : "reader.dictionary(of: \(name).self)"
        default: throw ContractError(description: "JSONReader has no reading for \(type.spelling)")
        }
    }

    /// `self.x = …` in a decoding initializer: `optional` is the value read as an optional, `required` the
    /// expression that reads a field that must be there.
    private static func assignment(_ property: ContractProperty, optional: String, required: String) -> String {
        let name = property.swiftName
        if property.isOptional { return "self.\(name) = \(optional)" }
        if let defaultValue = property.defaultValue { return "self.\(name) = \(optional) ?? \(defaultValue)" }
        return "self.\(name) = \(required)"
    }

    /// In the byte order of the keys: what `.sortedKeys` writes, and the order `JSONFieldName` expects.
    private static func byKey(_ properties: [ContractProperty]) -> [ContractProperty] {
        properties.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }

    private static func spelling(_ property: ContractProperty) -> String {
        property.type.spelling + (property.isOptional ? "?" : "")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: Text

    /// A declaration named `Outer.Inner` goes in an extension of `Outer`.
    private mutating func nested(_ name: String, _ body: (inout SwiftEmitter, String) -> Void) {
        guard let dot = name.lastIndex(of: ".") else { return body(&self, name) }
        block("extension \(name[..<dot])") { emitter in body(&emitter, String(name[name.index(after: dot)...])) }
    }

    private mutating func doc(_ lines: [String]) {
        for text in lines { line(text.isEmpty ? "///" : "/// \(text)") }
    }

    /// `indented: false` for a `switch`, whose cases stand at its own level.
    private mutating func block(_ opening: String, indented: Bool = true, _ body: (inout SwiftEmitter) throws -> Void) rethrows {
        line("\(opening) {")
        if indented { indent += 1 }
        try body(&self)
        if indented { indent -= 1 }
        line("}")
    }

    private mutating func line(_ content: String = "") {
        text += content.isEmpty ? "\n" : String(repeating: "    ", count: indent) + content + "\n"
    }
}
