// Attention-log lines are written on every event: the hand-written JSON path, the same bytes as Codable.
import Contracts
import Foundation

extension AttentionEntry.Kind: JSONStringEnum {}

extension AttentionEntry: JSONFastEncodable {
    public func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.field("at", at)
        writer.field("by", by)
        try writer.field("cause", cause)
        writer.field("channels", channels)
        try writer.field("kind", kind)
        writer.field("level", level)
        writer.field("reason", reason)
        try writer.field("targets", targets)
        writer.endObject()
    }
}
