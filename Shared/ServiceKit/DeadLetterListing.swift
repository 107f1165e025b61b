// `SERVICE dead-letters`: prints the newest rows of a service's dead_letters table, one line each.
import ArgumentParser
import Contracts
import Foundation
import GRDB
import Store

/// The options and the work of every executable's `dead-letters` subcommand; each executable wraps it in a
/// three-line command naming its service (`IngestCommand.DeadLetters`, …), so the SQLite file is found the way
/// `ServiceRuntime` names it.
public struct DeadLetterListing: ParsableArguments, Sendable {
    @Option(name: .customLong("data-dir"), help: "Directory of the service's SQLite file.")
    public var dataDir: String = "data"

    @Option(name: .long, help: "How many dead letters to print, newest first.")
    public var limit: Int = 50

    public init() {}

    public static let abstract = "Print the newest dead letters: messages that could not be processed and publishes the broker refused."

    public func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    /// Reads `DATA_DIR/SERVICE.sqlite` read-only (the service may be running) and prints one line per dead letter.
    public func run(service: String) throws {
        let path = URL(fileURLWithPath: dataDir).appendingPathComponent("\(service).sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no database at \(path)") }
        for line in try lines(path: path) { print(line) }
    }

    /// One line per dead letter, newest first: time, direction, topic, reason, payload size, separated by tabs (a reason
    /// has spaces; `cut -f` takes a column).
    public func lines(path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let letters = try queue.read { db -> [DeadLetters.Letter] in
            // A file written by a version without the table has no dead letters.
            guard try db.tableExists("dead_letters") else { return [] }
            return try DeadLetters.latest(db, limit: limit)
        }
        return letters.map(Self.line)
    }

    public static func line(_ letter: DeadLetters.Letter) -> String {
        let reason = letter.reason.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        return [RFC3339.string(from: letter.at), letter.direction.rawValue, letter.topic, reason, "\(letter.payload.count) bytes"]
            .joined(separator: "\t")
    }
}
