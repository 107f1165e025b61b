// A sync failure is notified only once retried `sync_failure_min_retries` times; several failing tasks make an alert.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Testing

@Test(arguments: [(0, false), (1, false), (2, false), (3, true), (7, true)])
func syncFailuresNotifyFromTheThirdRetry(_ retries: Int, _ notifies: Bool) throws {
    let fixture = try HealthFixture("health-gate")
    let out = try fixture.publish(["event": "integration.sync.failed", "task_id": "t1", "retry_count": retries, "error": "timeout"])
    #expect(out.dispatches.isEmpty == !notifies)
    #expect(out.state?.status == (notifies ? .failing : .ok))
    #expect(out.state?.failingCount == (notifies ? 1 : 0))
}

@Test
func aSyncFailureWithoutARetryCountIsNotNotified() throws {
    let fixture = try HealthFixture("health-gate-missing")
    #expect(try fixture.publish(["event": "integration.sync.failed", "task_id": "t1"]).dispatches.isEmpty)
}

@Test
func theMinimumRetriesComeFromTheConfiguration() throws {
    let yaml = HealthFixture.yaml.replacingOccurrences(of: "      flap_window: 10m", with: "      flap_window: 10m\n      sync_failure_min_retries: 5")
    let fixture = try HealthFixture("health-gate-config", yaml: yaml)
    #expect(try fixture.publish(["event": "integration.sync.failed", "task_id": "t1", "retry_count": 4]).dispatches.isEmpty)
    #expect(try !fixture.publish(["event": "integration.sync.failed", "task_id": "t1", "retry_count": 5]).dispatches.isEmpty)
}

@Test
func aSecondFailingSyncTaskIsAnAlert() throws {
    let fixture = try HealthFixture("health-alert")
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let first = try fixture.publish(["event": "integration.sync.failed", "integration_name": "CRM", "task_id": "t1", "retry_count": 3], now: now)
    #expect(first.dispatches.allSatisfy { $0.request.severity == .error })
    let second = try fixture.publish(["event": "integration.sync.failed", "integration_name": "CRM", "task_id": "t2", "retry_count": 3],
                                     now: now.addingTimeInterval(60))
    let request = try #require(second.dispatches.first?.request)
    #expect(request.title == "Integration Sync Failure")
    #expect(request.body == "Multiple sync tasks for \"CRM\" have failed. Immediate action required.")
    #expect(request.severity == .critical && request.alert.details["notification_type"] == .string("alert"))
    #expect(request.links.first?.href == "https://app.example.test/acme/integrations/crm-1/sync")
    #expect(second.told == ["alice/email", "alice/in_app", "erin/email", "erin/in_app"])
    #expect(second.state?.failedSyncTasks == ["t1", "t2"])
    // The same task failing again is no second task.
    let fixture2 = try HealthFixture("health-alert-same-task")
    _ = try fixture2.publish(["event": "integration.sync.failed", "task_id": "t1", "retry_count": 3], now: now)
    let again = try fixture2.publish(["event": "integration.sync.failed", "task_id": "t1", "retry_count": 4], now: now.addingTimeInterval(700))
    #expect(again.dispatches.allSatisfy { $0.request.title == "Integration Sync Task Failed" } && !again.dispatches.isEmpty)
}

@Test
func dataAccessChangesNameTheShardTypes() throws {
    let fixture = try HealthFixture("health-data-access")
    let out = try fixture.publish(["event": "integration.data_access.updated", "integration_name": "CRM",
                                   "old_allowed_shard_types": ["contacts"], "new_allowed_shard_types": ["contacts", "deals"]])
    #expect(out.dispatches.first?.request.body
        == "The data access configuration for \"CRM\" has been updated. Previously allowed: contacts. Now allowed: contacts, deals.")
}
