// How deep a JSON payload nests, found by one pass over its bytes before anything decodes it.
import Contracts
import Foundation

/// Decoding into `JSONValue` costs time quadratic in the nesting depth (each level's failed type probes build the
/// whole coding path): 500 levels in one kilobyte kept ingest busy for about a second. No alert needs more than a
/// few levels, so deeper payloads are refused before they are decoded.
public enum JSONNesting {
    public static let maxDepth = 32

    /// True when arrays and objects nest deeper than `limit`; brackets inside strings do not count.
    public static func exceeds(_ payload: Data, limit: Int = maxDepth) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in payload {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }

    static func rejection(_ limit: Int = maxDepth) -> MessageRejection {
        MessageRejection(.invalidValue, "JSON nests deeper than \(limit) levels")
    }
}
