// A failed delivery of a notice is dispatched again, at most three attempts in all; other services' receipts are ignored.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Testing

@Test
func aFailedDeliveryIsTriedAgainUpToThreeAttempts() throws {
    let fixture = try HealthFixture("health-retry")
    let out = try fixture.publish(["event": "integration.credentials.expired", "integration_name": "CRM"])
    let first = try #require(out.dispatches.first { $0.request.recipient.user == "alice" && $0.request.channel == "email" }).request
    func fail(_ id: String) throws -> [Outbound] {
        try fixture.receipt(DeliveryReceipt(dispatchId: id, alertId: first.alert.id, channel: "email", status: .failed, attempt: 1, error: "SMTP 451"))
    }
    let second = try fail(first.dispatchId).dispatches
    #expect(second.count == 1 && second[0].topic == "alerting/dispatch/email/acme")
    #expect(second[0].request.dispatchId != first.dispatchId && second[0].request.title == first.title
        && second[0].request.recipient == first.recipient)
    #expect(try fail(first.dispatchId).isEmpty, "the failed attempt was tried again already")
    let third = try fail(second[0].request.dispatchId).dispatches
    #expect(third.count == 1)
    #expect(try fail(third[0].request.dispatchId).isEmpty, "three attempts in all")
    let attempts = try fixture.store.read { try HealthRecords.dispatches($0, tenant: "acme") }.filter { $0.firstId == first.dispatchId }
    #expect(attempts.map(\.attempt) == [1, 2, 3] && attempts.map(\.status) == ["retried", "retried", "failed"])
}

@Test
func receiptsOfOtherDispatchesOrDeliveredOnesSendNothing() throws {
    let fixture = try HealthFixture("health-retry-other")
    let out = try fixture.publish(["event": "integration.credentials.expired"])
    let request = try #require(out.dispatches.first).request
    #expect(try fixture.receipt(DeliveryReceipt(dispatchId: "router-dispatch-1", alertId: "a1", channel: "email", status: .failed, attempt: 1)).isEmpty)
    #expect(try fixture.receipt(DeliveryReceipt(dispatchId: request.dispatchId, alertId: request.alert.id, channel: request.channel,
                                                status: .delivered, attempt: 1)).isEmpty)
    #expect(try fixture.receipt(DeliveryReceipt(dispatchId: request.dispatchId, alertId: request.alert.id, channel: request.channel,
                                                status: .failed, attempt: 1), tenant: "globex").isEmpty, "another tenant's receipt")
    let row = try fixture.store.read { try HealthRecords.dispatch($0, id: request.dispatchId, tenant: "acme") }
    #expect(row?.status == "delivered")
}
