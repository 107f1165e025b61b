// Which errors mean "the store cannot take writes" (retry later) rather than "this message is bad".
import GRDB

public enum StorageFailure {
    public static func isStorageFailure(_ error: Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN,
             .SQLITE_NOMEM, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_PERM, .SQLITE_PROTOCOL:
            return true
        default:
            return false
        }
    }
}
