// `JSONValue` on the hand-written JSON path: the same text `encode(to:)` writes, the same values `init(from:)` reads.
import Foundation

extension JSONValue: JSONFastCodable {
    public init(json reader: inout JSONReader) throws {
        self = try reader.value()
    }

    public func writeJSON(to writer: inout JSONWriter) throws {
        switch self {
        case .null:
            writer.null()
        case .bool(let value):
            writer.bool(value)
        case .number(let value):
            // As `encode(to:)`: whole numbers below 10^15 as integers, everything else as Foundation writes a Double.
            if value.rounded() == value, abs(value) < 1e15 { writer.int64(Int64(value)) } else { try writer.double(value) }
        case .string(let value):
            writer.string(value)
        case .array(let elements):
            try Self.checkDepth(writer)
            try writer.array(elements)
        case .object(let members):
            try Self.checkDepth(writer)
            try writer.object(members)
        }
    }

    private static func checkDepth(_ writer: JSONWriter) throws {
        guard writer.depth < JSONWriter.maximumDepth else {
            throw EncodingError.invalidValue(writer.depth, EncodingError.Context(
                codingPath: [], debugDescription: "JSON nests deeper than \(JSONWriter.maximumDepth) levels"))
        }
    }
}
