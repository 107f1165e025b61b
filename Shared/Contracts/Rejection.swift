// Why an intake message was refused, on `alerting/rejected/{tenant}`: `Rejection` and `RejectionReason` are generated
// from docs/asyncapi.yaml (docs/contracts.md); here is what they do beyond their fields.
import Foundation

extension Rejection {
    /// A printable excerpt of a payload: valid UTF-8 kept, the rest replaced, cut at `limit` bytes.
    public static func excerpt(of payload: Data, limit: Int = 200) -> String {
        let head = payload.prefix(limit)
        return String(decoding: head, as: UTF8.self)
    }
}
