// The generic webhook body on the hand-written JSON path (the same bytes Foundation writes; tested).
import Contracts
import Foundation

extension WebhookPayload.Generic: JSONFastEncodable {
    func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("data", data)
        writer.field("timestamp", timestamp)
        writer.field("type", type)
        writer.endObject()
    }
}

extension WebhookPayload.Generic.Content: JSONFastEncodable {
    func writeJSON(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.field("alert", alert)
        writer.field("body", body)
        writer.field("dispatch_id", dispatchId)
        try writer.field("event", event)
        try writer.field("severity", severity)
        writer.field("title", title)
        writer.endObject()
    }
}
