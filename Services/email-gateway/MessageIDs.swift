// Message-IDs: one per alert and recipient for the first mail, one per dispatch for the others, all of them answering
// the first, so a mail client shows acknowledgements, escalations and resolutions under it.
import Contracts
import Crypto
import Foundation

public struct MessageIDs: Sendable, Equatable {
    /// This mail's `Message-ID` (with angle brackets), the same for every attempt of a dispatch.
    public var messageID: String
    /// The first mail about the alert to this recipient; nil for that mail itself.
    public var inReplyTo: String?
    public var references: [String]

    /// - Parameter domain: the sender's domain (the right-hand side of every id).
    public init(dispatch: DispatchRequest, domain: String) {
        let recipient = Self.hash(dispatch.recipient.address.lowercased(), length: 12)
        let alert = Self.token(dispatch.alert.id)
        let root = "<alert.\(alert).\(recipient)@\(domain)>"
        if dispatch.kind == .notify, dispatch.event == .triggered {
            // The alert's first mail to this recipient (a trigger notifies each recipient once): the thread's root.
            messageID = root
            inReplyTo = nil
            references = []
            return
        }
        messageID = "<\(Self.hash(dispatch.dispatchId, length: 16)).\(alert).\(recipient)@\(domain)>"
        // The router passes on the first mail's reference (its receipt's provider_ref); the root is what it was.
        let earlier = dispatch.providerRef.flatMap { Self.isMessageID($0) ? $0 : nil }
        inReplyTo = earlier ?? root
        references = earlier.map { $0 == root ? [root] : [root, $0] } ?? [root]
    }

    static func isMessageID(_ text: String) -> Bool {
        text.hasPrefix("<") && text.hasSuffix(">") && text.contains("@") && text.count <= 250
            && !text.contains { $0.isWhitespace || $0.isNewline }
    }

    /// The alert id as it may stand in an id's left-hand side (dot-atom text).
    static func token(_ text: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.isASCII && allowed.contains($0) }.prefix(64)))
        return kept.isEmpty ? hash(text, length: 16) : kept
    }

    static func hash(_ text: String, length: Int) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(length / 2).map { String(format: "%02x", $0) }.joined()
    }
}
