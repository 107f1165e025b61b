// The audit log's times: sent_at from the first sent (or later) receipt, delivered_at from the first delivered or read
// one; a late or repeated receipt never moves them; in-app items are both at once.
import Contracts
import Foundation
import Router
import Store
import Testing
import TestSupport

struct ReceiptTimesCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Receipts in order, each at the given second.
    var receipts: [(DeliveryReceipt.Status, Double)]
    var sentAt: Double?
    var deliveredAt: Double?
    var testDescription: String { name }
}

let receiptTimesCases: [ReceiptTimesCase] = [
    ReceiptTimesCase(name: "sent then delivered", receipts: [(.sent, 1), (.delivered, 5)], sentAt: 1, deliveredAt: 5),
    ReceiptTimesCase(name: "delivered at once: sent then too", receipts: [(.delivered, 3)], sentAt: 3, deliveredAt: 3),
    ReceiptTimesCase(name: "a late sent after delivered changes nothing", receipts: [(.delivered, 3), (.sent, 7)], sentAt: 3, deliveredAt: 3),
    ReceiptTimesCase(name: "read keeps the delivery time", receipts: [(.sent, 1), (.delivered, 2), (.read, 9)], sentAt: 1, deliveredAt: 2),
    ReceiptTimesCase(name: "failed: neither", receipts: [(.failed, 4)], sentAt: nil, deliveredAt: nil),
    ReceiptTimesCase(name: "no receipt yet: neither", receipts: [], sentAt: nil, deliveredAt: nil),
]

@Test(arguments: receiptTimesCases)
func receiptsSetTheDispatchTimes(_ row: ReceiptTimesCase) throws {
    let store = try Store(path: temporaryDirectory("dispatch-times").appendingPathComponent("router.sqlite").path, migrations: RouterService.migrations)
    let alert = Alert(id: "a1", tenant: "acme", dedupKey: "k", severity: .error, summary: "s", createdAt: Date(timeIntervalSince1970: 0))
    let dispatch = DispatchRequest(dispatchId: "d1", kind: .notify, event: .triggered, channel: "sms",
                                   recipient: Recipient(kind: .user, user: "bob", address: "+15550002"), title: "t", body: "b",
                                   severity: .error, alert: alert)
    let base = Date(timeIntervalSince1970: 1_800_000_000)
    try store.write { db in
        _ = try DispatchRecords.recordPending(db, dispatch, tenant: "acme", at: base, envelope: nil)
        for (status, second) in row.receipts {
            try DispatchRecords.apply(db, DeliveryReceipt(dispatchId: "d1", alertId: "a1", channel: "sms", status: status, attempt: 1),
                                      tenant: "acme", at: base.addingTimeInterval(second))
        }
    }
    let stored = try #require(try store.read { try DispatchRecords.row($0, dispatchId: "d1", tenant: "acme") })
    #expect(stored.sentAt.map { $0.timeIntervalSince(base) } == row.sentAt)
    #expect(stored.deliveredAt.map { $0.timeIntervalSince(base) } == row.deliveredAt)
}

@Test func anInAppItemIsSentAndDeliveredWhenItIsAdded() throws {
    let store = try Store(path: temporaryDirectory("dispatch-times-in-app").appendingPathComponent("router.sqlite").path, migrations: RouterService.migrations)
    let alert = Alert(id: "a1", tenant: "acme", dedupKey: "k", severity: .error, summary: "s", createdAt: Date(timeIntervalSince1970: 0))
    let dispatch = DispatchRequest(dispatchId: "i1", kind: .notify, event: .triggered, channel: "in_app",
                                   recipient: Recipient(kind: .user, user: "bob", address: "bob"), title: "t", body: "b", severity: .error, alert: alert)
    let at = Date(timeIntervalSince1970: 1_800_000_000)
    try store.write { db in _ = try DispatchRecords.recordPending(db, dispatch, tenant: "acme", at: at, status: "delivered", envelope: nil) }
    let stored = try #require(try store.read { try DispatchRecords.row($0, dispatchId: "i1", tenant: "acme") })
    #expect(stored.sentAt == at && stored.deliveredAt == at)
}
