// An e-mail address as a header shows it: an optional display name and the address itself, checked before any SMTP.
import Foundation

public struct MailAddress: Sendable, Equatable {
    public var name: String?
    public var address: String

    /// `alerts@example.test` or `Alerts <alerts@example.test>`; nil for anything a mail server would refuse to parse (no
    /// `@`, spaces, line breaks, angle brackets or other specials in the address).
    public init?(_ text: String, name: String? = nil) {
        var text = text.trimmingCharacters(in: .whitespaces)
        var display = name
        if text.hasSuffix(">"), let open = text.lastIndex(of: "<") {
            let written = text[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if !written.isEmpty { display = written }
            text = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        }
        guard Self.isAddress(text) else { return nil }
        address = text
        self.name = display.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }

    /// The header form: `Name <address>` (the name as an encoded word when it needs one), or the bare address.
    public var header: String {
        guard let name else { return address }
        return "\(MailHeader.phrase(name)) <\(address)>"
    }

    static func isAddress(_ text: String) -> Bool {
        guard text.utf8.count <= 254, let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at], domain = text[text.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, !domain.hasPrefix("."), !domain.hasSuffix("."),
              !local.hasPrefix("."), !local.hasSuffix("."), !text.contains("..") else { return false }
        let specials = Set("<>()[]\\,;:\" @")
        let localOK = local.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F } && !local.contains { specials.contains($0) }
        let domainOK = domain.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
        }
        return localOK && domainOK
    }
}
