// Reads an acknowledge/resolve/escalate/note command, with field paths in its errors.
import Contracts
import Foundation

enum AckParser {
    static func parse(_ payload: Data) -> Result<AckCommand, MessageRejection> {
        do throws(MessageRejection) {
            let fields = JSONFields(try JSONFields.object(from: payload))
            let actionText = try fields.requiredString("action")
            guard let action = AckCommand.Action(rawValue: actionText.lowercased()) else {
                throw MessageRejection(.unknownAction, "action must be acknowledge, resolve, escalate, note or read, not \"\(actionText.prefix(40))\"", field: "action")
            }
            let reason = try fields.string("reason")
            if action == .escalate, (reason ?? "").allSatisfy(\.isWhitespace) {
                throw MessageRejection(.missingReason, "escalate needs a non-empty reason", field: "reason")
            }
            let note = try fields.string("note")
            if action == .note, (note ?? "").allSatisfy(\.isWhitespace) {
                throw MessageRejection(.missingField, "note needs a non-empty note", field: "note")
            }
            return .success(AckCommand(action: action, by: try fields.string("by"), via: try fields.string("via"),
                                       reason: reason, note: note, id: try fields.identifier("id")))
        } catch {
            return .failure(error)
        }
    }
}
