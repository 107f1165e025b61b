// A delivery read back by its dispatch id, for what a provider reports about it later (a status callback).
import Contracts
import Foundation
import GRDB

extension GatewayRecords {
    public struct StoredDelivery: Sendable {
        public let dispatch: DispatchRequest
        public let status: String
        public let attempts: Int
    }

    /// The delivery of `dispatchId` in `tenant`; nil when there is none (or it belongs to another tenant).
    public static func delivery(_ db: Database, dispatchId: String, tenant: String) throws -> StoredDelivery? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT tenant, body, status, attempts FROM deliveries WHERE dispatch_id = ?"),
                                         arguments: [dispatchId]),
              row["tenant"] as String == tenant else { return nil }
        return StoredDelivery(dispatch: try dispatch(fromBody: row["body"]), status: row["status"], attempts: row["attempts"])
    }
}
