// Bad health events are rejected on `alerting/rejected/{tenant}` with a reason, and notify nobody.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Testing

@Test
func badEventsAreRejectedWithAReason() throws {
    let fixture = try HealthFixture("health-reject")
    func rejected(_ out: [Outbound]) -> (topic: String?, reason: RejectionReason?) {
        (out.first { $0.topic.hasPrefix("alerting/rejected/") }?.topic, out.rejections.first?.reason)
    }
    let unknown = try fixture.publish(["event": "integration.teleport.failed"])
    #expect(rejected(unknown) == ("alerting/rejected/acme", .invalidValue) && unknown.dispatches.isEmpty && unknown.state == nil)
    #expect(unknown.rejections.first?.field == "event")
    #expect(try rejected(fixture.publish(["integration_name": "x"])) == ("alerting/rejected/acme", .missingField))
    #expect(try rejected(fixture.publish(raw: Data(#"{"event":"integration.credentials.expired"}"#.utf8), topic: "integrations/health/acme"))
        == ("alerting/rejected/acme", .invalidTopic), "no integration id")
    #expect(try rejected(fixture.publish(raw: Data(#"{"event":"integration.credentials.expired"}"#.utf8), topic: "integrations/health/acme/"))
        == ("alerting/rejected/acme", .invalidTopic))
    #expect(try rejected(fixture.publish(["event": "integration.credentials.expired"], tenant: "nobody")) == ("alerting/rejected/nobody", .unknownTenant))
    #expect(try rejected(fixture.publish(["event": "integration.credentials.expired"], tenant: "initech")) == ("alerting/rejected/initech", .tenantDisabled))
    #expect(try rejected(fixture.publish(raw: Data("not json".utf8), topic: "integrations/health/acme/crm-1")) == ("alerting/rejected/acme", .malformedJSON))
    #expect(try rejected(fixture.publish(["event": "integration.sync.failed", "retry_count": "three"])) == ("alerting/rejected/acme", .wrongType))
    #expect(try rejected(fixture.publish(["event": "integration.credentials.expired"], retained: true)) == ("alerting/rejected/acme", .retained))
    #expect(try fixture.publish(raw: Data("{}".utf8), topic: "integrations/health//crm-1").isEmpty, "no tenant to answer: counted only")
    let rejection = try #require(unknown.rejections.first)
    #expect(rejection.topic == "integrations/health/acme/crm-1" && rejection.excerpt.contains("teleport"))
}

@Test
func theRetainedStateSaysHowTheIntegrationIs() throws {
    let fixture = try HealthFixture("health-state")
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let first = try fixture.publish(["event": "integration.connection.test.failed", "integration_name": "CRM"], now: t0)
    let stateMessage = try #require(first.first { $0.topic == "integrations/state/acme/crm-1" })
    #expect(stateMessage.retain)
    let second = try fixture.publish(["event": "integration.credentials.expired"], now: t0.addingTimeInterval(30))
    let state = try #require(second.state)
    #expect(state == IntegrationHealth(tenant: "acme", integrationId: "crm-1", integrationName: "CRM", status: .failing,
                                       since: t0.addingTimeInterval(30), lastEvent: "integration.credentials.expired",
                                       lastEventAt: t0.addingTimeInterval(30), failingCount: 2))
    let config = try fixture.publish(["event": "integration.search.updated"], now: t0.addingTimeInterval(60)).state
    #expect(config?.status == .failing && config?.failingCount == 2 && config?.lastEvent == "integration.search.updated")
    let json = String(decoding: stateMessage.payload, as: UTF8.self)
    for key in ["\"status\"", "\"since\"", "\"last_event\"", "\"failing_count\"", "\"integration_id\""] { #expect(json.contains(key)) }
}
