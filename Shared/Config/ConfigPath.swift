// Turns Swift coding paths into the YAML key paths operators read.

enum ConfigPath {
    /// `[tenants, 0, users, 2, min_severity]` becomes `tenants[0].users[2].min_severity`.
    static func string(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}

/// A coding key for names only known at run time: map keys, list indexes, unknown keys.
struct AnyKey: CodingKey {
    let stringValue: String
    /// Set only for list positions: a mapping key that looks like a number (`levels: {1: …}`) stays a name.
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }

    init(index: Int) { self.init(intValue: index) }
}
