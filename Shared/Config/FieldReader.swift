// Reads the keys of one YAML mapping with defaults, recording bad values instead of stopping at the first.

/// Wraps one keyed container. With a `DecodeIssues` in the decoder's userInfo every
/// problem is recorded at its key path and the default (or a placeholder) stands in,
/// so the rest of the file is still checked; without one, problems throw.
struct FieldReader<Key: CodingKey & CaseIterable> {
    let decoder: any Decoder
    private let container: KeyedDecodingContainer<Key>
    private let issues: DecodeIssues?

    init(_ decoder: any Decoder, keys: Key.Type = Key.self) throws {
        self.decoder = decoder
        self.container = try decoder.container(keyedBy: Key.self)
        self.issues = decoder.userInfo[.configIssues] as? DecodeIssues
        guard let issues else { return }
        let known = Set(Key.allCases.map(\.stringValue))
        for key in try decoder.container(keyedBy: AnyKey.self).allKeys {
            if known.contains(key.stringValue) {
                issues.noteWritten(decoder.codingPath + [key])
            } else {
                issues.record(ConfigError(path: ConfigPath.string(decoder.codingPath + [key]),
                                          code: .unknownKey, message: "unknown key"))
            }
        }
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    /// True when the key is written with a non-null value.
    func has(_ key: Key) -> Bool {
        container.contains(key) && ((try? container.decodeNil(forKey: key)) ?? false) == false
    }

    /// The value, or nil when the key is omitted, null, or (recorded) invalid.
    func optional<T: Decodable>(_ key: Key, as type: T.Type = T.self) throws -> T? {
        guard has(key) else { return nil }
        do {
            return try container.decode(T.self, forKey: key)
        } catch {
            guard let issues else { throw error }
            issues.record(error, at: codingPath + [key])
            return nil
        }
    }

    func value<T: Decodable>(_ key: Key, default fallback: @autoclosure () -> T) throws -> T {
        try optional(key, as: T.self) ?? fallback()
    }

    /// A key without a default (ids): a missing one is recorded and the placeholder stands in.
    func required<T: Decodable>(_ key: Key, placeholder: T) throws -> T {
        guard has(key) else {
            let error = DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing required key"))
            guard let issues else { throw error }
            issues.record(error, at: codingPath + [key])
            return placeholder
        }
        return try optional(key, as: T.self) ?? placeholder
    }

    /// A list whose bad elements are recorded and left out one by one, so one bad entry
    /// does not hide its siblings (and the references to them).
    func list<T: Decodable>(_ key: Key, of type: T.Type = T.self) throws -> [T]? {
        guard has(key) else { return nil }
        guard let issues else { return try container.decode([T].self, forKey: key) }
        let path = codingPath + [key]
        do {
            var items = try container.nestedUnkeyedContainer(forKey: key)
            var result: [T] = []
            while !items.isAtEnd {
                let index = items.currentIndex
                do {
                    result.append(try items.decode(T.self))
                } catch {
                    issues.record(error, at: path + [AnyKey(index: index)])
                    if items.currentIndex == index { _ = try? items.decode(Skip.self) }
                    if items.currentIndex == index { break }
                }
            }
            return result
        } catch {
            issues.record(error, at: path)
            return nil
        }
    }

    func list<T: Decodable>(_ key: Key, default fallback: [T]) throws -> [T] {
        try list(key, of: T.self) ?? fallback
    }

    /// A mapping with names chosen by the operator (`preferences: {alice: …}`), each value checked on its own.
    func map<T: Decodable>(_ key: Key, of type: T.Type = T.self) throws -> [String: T]? {
        guard has(key) else { return nil }
        let path = codingPath + [key]
        do {
            let entries = try container.nestedContainer(keyedBy: AnyKey.self, forKey: key)
            var result: [String: T] = [:]
            for name in entries.allKeys {
                do {
                    result[name.stringValue] = try entries.decode(T.self, forKey: name)
                } catch {
                    guard let issues else { throw error }
                    issues.record(error, at: path + [name])
                }
            }
            return result
        } catch {
            guard let issues else { throw error }
            issues.record(error, at: path)
            return nil
        }
    }

    /// Records a problem found while reading this mapping (or throws it without a collector).
    func report(_ key: Key, code: ConfigError.Code = .invalidValue, _ message: String) throws {
        let error = ConfigError(path: ConfigPath.string(codingPath + [key]), code: code, message: message)
        guard let issues else { throw error }
        issues.record(error)
    }
}

/// Consumes a list element that failed to decode, so the next one can be read.
private struct Skip: Decodable {
    init(from decoder: any Decoder) throws {}
}
