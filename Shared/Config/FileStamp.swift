// What the poller compares to notice that the configuration file changed.
import Foundation

/// Modification time, size and file number: editors that save by renaming a new file
/// over the old one change the file number even when time and size look the same.
struct FileStamp: Equatable, Sendable {
    let modified: Date?
    let size: UInt64?
    let fileNumber: UInt64?

    /// Nil when the file cannot be examined (removed, unreadable directory).
    init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        modified = attributes[.modificationDate] as? Date
        size = (attributes[.size] as? NSNumber)?.uint64Value
        fileNumber = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
    }
}
