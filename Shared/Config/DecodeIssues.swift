// Collects decoding problems during one pass over the file, so all of them are reported, not just the first.
import Foundation

/// Shared by every `init(from:)` of one load through the decoder's `userInfo`.
/// Without it (someone decoding our types with a plain decoder) the first problem throws as usual.
final class DecodeIssues: @unchecked Sendable {
    // One decode runs on one thread; the class exists only to be shared through userInfo.
    private(set) var errors: [ConfigError] = []
    /// Every key path the file actually writes, so validation can tell a written value from a default.
    private(set) var writtenPaths: Set<String> = []

    func record(_ error: ConfigError) { errors.append(error) }

    func record(_ error: any Error, at fallbackPath: [any CodingKey]) {
        if let decoding = error as? DecodingError {
            record(ConfigError(decoding: decoding))
        } else if let config = error as? ConfigError {
            record(config)
        } else {
            record(ConfigError(path: ConfigPath.string(fallbackPath), code: .invalidValue, message: "\(error)"))
        }
    }

    func noteWritten(_ path: [any CodingKey]) { writtenPaths.insert(ConfigPath.string(path)) }
}

extension CodingUserInfoKey {
    static let configIssues = CodingUserInfoKey(rawValue: "alerting.config.issues")!
}

extension ConfigError {
    /// Says what went wrong in an operator's words, at the YAML path of the key.
    init(decoding error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self.init(path: ConfigPath.string(context.codingPath), code: .invalidValue,
                      message: Self.expectation(type, context.debugDescription))
        case .keyNotFound(let key, let context):
            self.init(path: ConfigPath.string(context.codingPath + [key]), code: .missingKey,
                      message: "missing required key")
        case .dataCorrupted(let context):
            self.init(path: ConfigPath.string(context.codingPath), code: .invalidValue,
                      message: context.debugDescription)
        @unknown default:
            self.init(path: "", code: .invalidValue, message: "\(error)")
        }
    }

    private static func phrase(for type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Array") || name.hasSuffix("Sequence") { return "a list" }
        if name.hasPrefix("Dictionary") || name.hasSuffix("Mapping") { return "a mapping" }
        if name.hasSuffix("Scalar") { return "a single value" }
        switch name {
        case "String": return "a string"
        case "Bool": return "true or false"
        case "Int", "Int64", "Int32", "UInt", "UInt64": return "an integer"
        case "Double", "Float": return "a number"
        default: return "a value of type \(name)"
        }
    }

    /// "expected a list, found a single value"; the shape found is named only when it is
    /// the problem (a value that is not a number is still a single value).
    private static func expectation(_ type: Any.Type, _ description: String) -> String {
        let expected = phrase(for: type)
        // Yams says "… but found Mapping instead." (or Scalar, Sequence).
        guard let range = description.range(of: "but found ") else { return "expected \(expected)" }
        let found = description[range.upperBound...]
        let shape: String? = if found.hasPrefix("Mapping") || found.contains(".Mapping") { "a mapping" }
            else if found.hasPrefix("Sequence") || found.contains(".Sequence") { "a list" }
            else if found.hasPrefix("Scalar") || found.contains(".Scalar") { "a single value" }
            else { nil }
        guard let shape, shape == "a mapping" || shape == "a list" || expected == "a list" || expected == "a mapping" else {
            return "expected \(expected)"
        }
        return "expected \(expected), found \(shape)"
    }
}
