// Reads, decodes and validates the configuration file, reporting every problem at its key path.
import Foundation
import Yams

public enum ConfigLoader {
    /// Loads and validates the file at `path`.
    public static func load(path: String) throws(ConfigErrors) -> AlertingConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors([ConfigError(path: "", code: .unreadable,
                                            message: "cannot read \(path): \(error.localizedDescription)")])
        }
        return try parse(yaml: text)
    }

    /// Decodes and validates configuration text; all problems are thrown together.
    public static func parse(yaml: String) throws(ConfigErrors) -> AlertingConfig {
        if yaml.split(whereSeparator: \.isNewline).allSatisfy({ $0.trimmingCharacters(in: .whitespaces).hasPrefix("#")
            || $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            // An empty file is far more often a half-written one than a wish for no tenants.
            throw ConfigErrors([ConfigError(path: "", code: .invalidValue, message: "the configuration file is empty")])
        }
        let issues = DecodeIssues()
        let config: AlertingConfig
        do {
            config = try YAMLDecoder().decode(AlertingConfig.self, from: yaml, userInfo: [.configIssues: issues])
        } catch let error as DecodingError {
            throw ConfigErrors([rootError(error)])
        } catch {
            throw ConfigErrors([syntaxError(error)])
        }
        let decodeErrors = issues.errors
        var validator = ConfigValidator(config: config, written: issues.writtenPaths,
                                        decodeErrorPaths: Set(decodeErrors.map(\.path)))
        let errors = decodeErrors + validator.run()
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return config
    }

    /// Checks a configuration built in code (every value counts as written).
    public static func validate(_ config: AlertingConfig) -> [ConfigError] {
        var validator = ConfigValidator(config: config, written: nil)
        return validator.run()
    }

    /// Only problems with the document as a whole get here; everything inside is collected.
    private static func rootError(_ error: DecodingError) -> ConfigError {
        if case .dataCorrupted(let context) = error, let underlying = context.underlyingError {
            return syntaxError(underlying)
        }
        let converted = ConfigError(decoding: error)
        if converted.path.isEmpty {
            return ConfigError(path: "", code: .invalidValue,
                               message: "the file must be a mapping of broker, limits, http, channels and tenants")
        }
        return converted
    }

    private static func syntaxError(_ error: any Error) -> ConfigError {
        // Yams puts "line:column: error: …" first, then a snippet; the first line says it all.
        let first = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
        return ConfigError(path: "", code: .syntax, message: "invalid YAML: \(first)")
    }
}
