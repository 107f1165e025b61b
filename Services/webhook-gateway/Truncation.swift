// Cutting text to a platform's limit, with an ellipsis, never inside a character.

enum Truncation {
    static func text(_ text: String, maxCharacters: Int) -> String {
        guard text.count > maxCharacters else { return text }
        return String(text.prefix(max(0, maxCharacters - 1))) + "…"
    }

    /// Limits measured in UTF-8 bytes (ntfy, Google Chat).
    static func text(_ text: String, maxUTF8: Int) -> String {
        guard text.utf8.count > maxUTF8 else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > maxUTF8 - 3 { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }
}
