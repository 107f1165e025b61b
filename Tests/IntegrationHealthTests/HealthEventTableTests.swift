// Each event type × preference category × admin: who is told, with which type, title, message and link.
import Config
import Contracts
import Foundation
import IntegrationHealth
import Testing

struct EventCase: Sendable, CustomStringConvertible {
    var event: [String: String]
    var retryCount: Int?
    var category: PreferenceCategory
    var type: NotificationType
    var title: String
    var message: String
    var linkSuffix: String
    /// alice wants everything, bob all but sync failures, erin (an admin by name) the defaults; dave is no admin.
    var told: [String]

    var description: String { "\(event["event"] ?? "?") → \(type)" }
}

let defaultAdmins = ["alice", "bob", "erin"]
let eventCases: [EventCase] = [
    EventCase(event: ["event": "integration.provider.status.changed", "integration_name": "Salesforce - Sales Team", "provider": "Salesforce",
                      "old_status": "active", "new_status": "disabled"],
              category: .statusUpdates, type: .warning, title: "Integration Provider Status Changed",
              message: "The \"Salesforce\" integration provider status has changed from \"active\" to \"disabled\".", linkSuffix: "", told: ["alice"]),
    EventCase(event: ["event": "integration.provider.status.changed", "integration_name": "Salesforce - Sales Team", "provider": "Salesforce",
                      "old_status": "active", "new_status": "beta"],
              category: .statusUpdates, type: .information, title: "Integration Provider Status Changed",
              message: "The \"Salesforce\" integration provider status has changed from \"active\" to \"beta\".", linkSuffix: "", told: ["alice"]),
    EventCase(event: ["event": "integration.provider.audience.changed", "provider": "Salesforce", "old_audience": "system", "new_audience": "tenant"],
              category: .statusUpdates, type: .information, title: "Integration Provider Audience Changed",
              message: "The \"Salesforce\" integration provider audience has changed from \"system\" to \"tenant\".", linkSuffix: "", told: ["alice"]),
    EventCase(event: ["event": "integration.connection.status.changed", "integration_name": "Salesforce - Sales Team", "old_status": "connected",
                      "new_status": "error", "error": "TLS handshake failed"],
              category: .connectionIssues, type: .error, title: "Integration Connection Issue",
              message: "The connection status of \"Salesforce - Sales Team\" has changed from \"connected\" to \"error\": TLS handshake failed. "
                  + "Please check the integration's connection.", linkSuffix: "", told: defaultAdmins),
    EventCase(event: ["event": "integration.connection.status.changed", "integration_name": "Salesforce - Sales Team", "new_status": "disconnected"],
              category: .connectionIssues, type: .warning, title: "Integration Connection Issue",
              message: "The connection status of \"Salesforce - Sales Team\" has changed to \"disconnected\". Please check the integration's connection.",
              linkSuffix: "", told: defaultAdmins),
    EventCase(event: ["event": "integration.connection.test.failed", "integration_name": "Salesforce - Sales Team", "error": "401 Unauthorized"],
              category: .connectionIssues, type: .warning, title: "Integration Connection Test Failed",
              message: "The connection test for \"Salesforce - Sales Team\" failed: 401 Unauthorized. Please check your credentials and try again.",
              linkSuffix: "/test", told: defaultAdmins),
    EventCase(event: ["event": "integration.sync.failed", "integration_name": "Salesforce - Sales Team", "task_id": "task-9", "error": "rate limited"],
              retryCount: 3, category: .syncFailures, type: .error, title: "Integration Sync Task Failed",
              message: "The sync task for \"Salesforce - Sales Team\" has failed after 3 attempts: rate limited. Please review the sync configuration.",
              linkSuffix: "/sync/task-9", told: ["alice", "erin"]),
    EventCase(event: ["event": "integration.credentials.expired", "integration_name": "Salesforce - Sales Team"],
              category: .credentialExpiration, type: .error, title: "Integration Credentials Expired",
              message: "The credentials for \"Salesforce - Sales Team\" have expired. Please update your credentials to continue syncing data.",
              linkSuffix: "/credentials", told: defaultAdmins),
    EventCase(event: ["event": "integration.data_access.updated", "integration_name": "Salesforce - Sales Team"],
              category: .configurationChanges, type: .information, title: "Integration Data Access Updated",
              message: "The data access configuration for \"Salesforce - Sales Team\" has been updated.", linkSuffix: "/configure", told: ["alice"]),
    EventCase(event: ["event": "integration.search.updated", "integration_name": "Salesforce - Sales Team"],
              category: .configurationChanges, type: .information, title: "Integration Search Configuration Updated",
              message: "The search configuration for \"Salesforce - Sales Team\" has been updated.", linkSuffix: "/configure", told: ["alice"]),
]

@Test(arguments: eventCases)
func eachEventReachesTheAdminsWhoWantItsCategory(_ item: EventCase) throws {
    let fixture = try HealthFixture("health-table")
    var event: [String: Any] = item.event
    if let retries = item.retryCount { event["retry_count"] = retries }
    let out = try fixture.publish(event, integration: "crm-1")
    let kind = try #require(HealthEventKind(rawValue: item.event["event"]!))
    #expect(kind.category == item.category)
    #expect(out.told == item.told.flatMap { ["\($0)/email", "\($0)/in_app"] }.sorted(), "dave is no admin; each admin by preference")
    #expect(out.rejections.isEmpty)
    for (topic, request) in out.dispatches {
        #expect(topic == "alerting/dispatch/\(request.channel)/acme")
        #expect(request.title == item.title)
        #expect(request.body == item.message)
        #expect(request.severity == item.type.severity)
        #expect(request.kind == .notify && request.recipient.kind == .user)
        #expect(request.links.map(\.href) == ["https://app.example.test/acme/integrations/crm-1\(item.linkSuffix)"])
        #expect(request.alert.type == kind.rawValue && request.alert.category == "integration")
        #expect(request.alert.details["notification_type"] == .string(item.type.rawValue))
        #expect(request.alert.details["category"] == .string(item.category.rawValue))
        #expect(request.recipient.address == (request.channel == "email" ? "\(request.recipient.user!)@acme.example.test" : request.recipient.user!))
    }
    #expect(Set(out.dispatches.map(\.request.dispatchId)).count == out.dispatches.count, "one dispatch id per admin and channel")
    #expect(out.state?.lastEvent == kind.rawValue)
}

@Test
func eachCategoryFollowsEachAdminsPreferences() throws {
    let settings = try HealthFixture("health-prefs-matrix").config.tenant(id: "acme")!.integrationNotifications
    let expected: [String: Set<PreferenceCategory>] = [
        "alice": Set(PreferenceCategory.allCases),
        "bob": [.connectionIssues, .credentialExpiration],
        "erin": [.connectionIssues, .syncFailures, .credentialExpiration],
    ]
    for (admin, wanted) in expected {
        for category in PreferenceCategory.allCases {
            #expect(category.isEnabled(in: settings.preferences(for: admin)) == wanted.contains(category), "\(admin) × \(category)")
        }
    }
    #expect(Set(HealthEventKind.allCases.map(\.category)) == Set(PreferenceCategory.allCases), "every category has an event")
}

@Test
func withoutALinkTemplateTheLinkIsTheIntegrationsPath() {
    #expect(NoticeComposer.link(template: nil, tenant: "acme", integrationId: "crm-1", suffix: "/test") == "/integrations/crm-1/test")
    #expect(NoticeComposer.link(template: "https://x.test/{tenant}/i/{integration_id}", tenant: "acme", integrationId: "crm-1", suffix: "")
        == "https://x.test/acme/i/crm-1")
}
