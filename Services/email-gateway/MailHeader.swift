// Header values as RFC 5322 wants them: one line, ASCII, non-ASCII text as RFC 2047 encoded words.
import Foundation

enum MailHeader {
    /// Unstructured text (a subject): kept as it is when it is printable ASCII, encoded words otherwise; line breaks
    /// become spaces, so a summary cannot add a header.
    static func text(_ value: String, limit: Int = 200) -> String {
        let flat = oneLine(value, limit: limit)
        if flat.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return flat }
        return encodedWords(flat)
    }

    /// A display name: quoted when it holds specials, encoded words when it is not ASCII.
    static func phrase(_ value: String) -> String {
        let flat = oneLine(value, limit: 100)
        guard flat.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return encodedWords(flat) }
        let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ "))
        if flat.unicodeScalars.allSatisfy({ atext.contains($0) }) { return flat }
        return "\"" + flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func oneLine(_ value: String, limit: Int) -> String {
        let flat = value.map { $0.isNewline || $0 == "\t" ? " " : String($0) }.joined()
            .unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
        let text = String(String.UnicodeScalarView(flat)).trimmingCharacters(in: .whitespaces)
        return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters, folded onto continuation lines; never splits a character.
    static func encodedWords(_ value: String) -> String {
        var words: [String] = []
        var chunk = Data()
        for character in value {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }
}
