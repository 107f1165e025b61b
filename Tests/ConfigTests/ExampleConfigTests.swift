// The operator's example file loads as it is, and its values (written and defaulted) come out right.
import Config
import Foundation
import Testing
import Yams

@Suite struct ExampleConfigTests {
    let config: AlertingConfig
    let acme: Tenant
    let globex: Tenant

    init() throws {
        config = try Fixtures.loadExample()
        acme = try #require(config.tenant(id: "acme"))
        globex = try #require(config.tenant(id: "globex"))
    }

    @Test func exampleIsTheProductCopy() throws {
        // shared/ sits beside the repository (here and in CI's clone).
        let product = URL(fileURLWithPath: Fixtures.examplePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/product/alerting.example.yaml")
        guard FileManager.default.fileExists(atPath: product.path) else { return }
        #expect(try Data(contentsOf: product) == Data(contentsOf: URL(fileURLWithPath: Fixtures.examplePath)))
    }

    @Test func globalSections() {
        #expect(config.broker.url == "mqtt://127.0.0.1:1883")
        #expect(config.broker.topicRoot == "alerting")
        #expect(config.limits.maxPayloadBytes == 65536)
        #expect(config.http.publicBaseURL == "https://alerts.example.test")
        #expect(config.http.actionTokenSecretEnv == "ACTION_TOKEN_SECRET")
        #expect(config.http.actionTokenTTL.seconds == 86400)
        #expect(config.channels.slack?.apiURL == "https://slack.com/api")
        #expect(config.channels.slack?.defaultWebhookURLEnv == "SLACK_WEBHOOK_URL")
        #expect(config.channels.twilio?.smsFrom == "+15005550006")
        #expect(config.channels.twilio?.whatsappTemplateSid == "HX0123456789abcdef0123456789abcdef")
        #expect(config.channels.twilio?.fallbackToSMS == true)
        #expect(config.channels.email?.from == "Alerts <alerts@example.test>")
        #expect(config.channels.inApp.keepLatest == 10)
        #expect(config.retention.keepFor == .days(30), "history is kept 30 days unless the file says otherwise")
        #expect(config.channels.push?.ntfyURL == "https://ntfy.example.test")
        #expect(config.tenants.map(\.id) == ["acme", "globex"])
    }

    @Test func tenantProvidersOverrideGlobalOnes() throws {
        #expect(acme.channels.slack?.teamId == "T0ACME")
        #expect(config.tenant(slackTeamID: "T0ACME")?.id == "acme")
        let acmeSlack = try #require(config.slack(forTenant: "acme"))
        #expect(acmeSlack.botTokenEnv == "ACME_SLACK_BOT_TOKEN")
        #expect(acmeSlack.apiURL == "https://slack.com/api")
        #expect(acmeSlack.defaultWebhookURLEnv == "SLACK_WEBHOOK_URL")
        #expect(config.slack(forTenant: "globex")?.botTokenEnv == "SLACK_BOT_TOKEN")
    }

    @Test func usersAndTheirEffectiveChannels() throws {
        let alice = try #require(acme.user(id: "alice"))
        #expect(alice.roles == ["owner", "admin", "accounting"])
        #expect(alice.effectiveChannels == [.push, .sms, .whatsapp, .email])
        #expect(alice.channelMode == .firstAvailable)
        #expect(alice.address(for: .push) == "acme-alice-7f3a")
        #expect(alice.address(for: .slack) == "U0ALICE")

        let bob = try #require(acme.user(id: "bob"))
        #expect(bob.channelMode == .all)
        #expect(bob.effectiveChannels == [.sms, .email])
        #expect(bob.minSeverity == .info)

        let carol = try #require(acme.user(id: "carol"))
        #expect(carol.effectiveChannels == [.whatsapp, .email])
        #expect(carol.minSeverity == .warning)
        #expect(carol.wants(.warning) && carol.wants(.critical) && !carol.wants(.info))

        // dan writes no channels: the default [push, sms, email] limited to his one address.
        let dan = try #require(acme.user(id: "dan"))
        #expect(dan.channels == nil)
        #expect(dan.effectiveChannels == [.email])
        #expect(dan.receiveIncidentNotifications == false)
        #expect(dan.name == "Dan Viewer")

        #expect(try #require(acme.user(id: "erin")).receiveIncidentNotifications)
        #expect(acme.users(withRole: "admin").map(\.id) == ["alice"])
        #expect(acme.users(withRole: "developer").map(\.id) == ["bob", "carol"])
        #expect(acme.users(withRole: "nobody").isEmpty)
        #expect(acme.user(id: "zed") == nil)
    }

    @Test func defaultChannelsOmitWhatsAppAndMissingAddresses() throws {
        let config = try ConfigLoader.parse(yaml: """
            tenants:
              - id: t
                users:
                  - {id: full, email: f@example.test, phone: "+15550000001", whatsapp: "+15550000001", push_topic: t-full}
                  - {id: phone, phone: "+15550000002"}
                  - {id: nothing}
                incident_targeting: {mode: all_members}
            """)
        let tenant = try #require(config.tenant(id: "t"))
        #expect(tenant.user(id: "full")?.effectiveChannels == [.push, .sms, .email])
        #expect(tenant.user(id: "phone")?.effectiveChannels == [.sms])
        #expect(tenant.user(id: "nothing")?.effectiveChannels == [])
    }

    @Test func teamsAndSchedules() throws {
        let ops = try #require(acme.team(id: "ops"))
        #expect(ops.members == ["bob", "carol"])
        #expect(ops.lead == "bob")

        let primary = try #require(acme.schedule(id: "primary"))
        #expect(primary.timeZone == "UTC")
        #expect(primary.layers.count == 2)
        let weekly = primary.layers[0]
        #expect(weekly.name == "weekly")
        #expect(weekly.rotation.seconds == 7 * 86400)
        #expect(weekly.users == ["carol", "bob"])
        #expect(weekly.start == Date(timeIntervalSince1970: 1_793_610_000))  // 2026-11-02T09:00:00Z
        #expect(weekly.restrict == nil)
        let backup = try #require(primary.layers[1].restrict)
        #expect(primary.layers[1].rotation.seconds == 86400)
        #expect(backup.days == [.mon, .tue, .wed, .thu, .fri])
        #expect(backup.from == TimeOfDay(hour: 9, minute: 0))
        #expect(backup.to == TimeOfDay(hour: 17, minute: 0))
    }

    @Test func servicesAndWebhooks() throws {
        let press = try #require(acme.service(id: "press-line"))
        #expect(press.name == "Press line")
        #expect(press.owners == ["bob", "carol"])
        #expect(press.notificationChannels == [.slack, .webhook])
        #expect(press.slackChannel == "#press-line")
        #expect(press.escalationPolicy == "press-default")
        #expect(acme.policy(forService: "press-line")?.id == "press-default")

        let teams = try #require(press.webhook(id: "ops-teams"))
        #expect(teams.type == .teams)
        #expect(teams.urlEnv == "PRESS_TEAMS_WEBHOOK_URL")
        #expect(teams.url == nil)
        #expect(teams.enabled)
        #expect(teams.events == [.triggered, .acknowledged, .resolved])

        let discord = try #require(press.webhook(id: "plant-discord"))
        #expect(discord.enabled == false)
        #expect(discord.url == "https://example.test/discord-hook")

        let ticketing = try #require(press.webhook(id: "ticketing"))
        #expect(ticketing.enabled)  // omitted: enabled
        #expect(ticketing.events == [.triggered, .acknowledged, .resolved, .escalated])  // omitted: all
        #expect(ticketing.secretEnv == "TICKETING_WEBHOOK_SECRET")
        #expect(press.webhooks(for: .escalated).map(\.id) == ["ticketing"])
        #expect(press.webhook(id: "nope") == nil)
        #expect(acme.serviceOwners.map(\.id) == ["bob", "carol"])
    }

    @Test func escalationPolicy() throws {
        let policy = try #require(acme.policy(id: "press-default"))
        #expect(policy.repeat == 2)
        #expect(policy.steps.map(\.after.seconds) == [0, 900, 1800])
        #expect(policy.steps[0].targets == [.schedule("primary")])
        #expect(policy.steps[0].channels == [.sms, .push])
        #expect(policy.steps[1].targets == [.team("ops", onlyLead: true)])
        #expect(policy.steps[1].channels == nil)
        #expect(policy.steps[2].targets == [.role("admin")])
    }

    @Test func routesAndTheirDefaults() throws {
        let finance = try #require(acme.route(id: "finance-invoice-overdue"))
        #expect(finance.match == RouteMatch(category: "finance", type: "invoice_overdue"))
        #expect(finance.targetRoles == ["accounting", "admin"])
        #expect(finance.channels == [.inApp, .email, .sms, .slack])
        #expect(finance.priority == .high)
        #expect(finance.escalateToRole == "admin")
        #expect(finance.escalateAfter?.seconds == 3600)
        #expect(finance.escalateToTopAfter?.seconds == 7200)
        #expect(finance.deadlineThresholds == [25, 50, 90])

        let production = try #require(acme.route(id: "production-all"))
        #expect(production.match == RouteMatch(category: "production"))
        #expect(production.targetRoles == nil)
        #expect(production.priority == .critical)
        #expect(production.escalateToRole == nil)
        #expect(production.escalateAfter == nil)
        #expect(production.slackChannel == nil)

        let sales = try #require(acme.route(id: "sales-deal-lost"))
        #expect(sales.enabled == false)
        #expect(acme.routes(matchingCategory: "sales", type: "deal_lost").isEmpty)
        #expect(acme.routes(matchingCategory: "production", type: "machine_down").map(\.id) == ["production-all"])
        #expect(acme.topRoles == ["ceo"])

        let everything = try #require(globex.route(id: "everything"))
        #expect(everything.match == RouteMatch())
        #expect(everything.matches(category: "anything", type: nil))
    }

    @Test func escalateAfterDefaultsToAnHourOnlyWithARole() throws {
        let config = try ConfigLoader.parse(yaml: """
            tenants:
              - id: t
                users: [{id: u, roles: [admin]}]
                routes:
                  - {id: with-role, escalate_to_role: admin}
                  - {id: without-role}
            """)
        let tenant = try #require(config.tenant(id: "t"))
        #expect(tenant.route(id: "with-role")?.escalateAfter == .minutes(60))
        #expect(tenant.route(id: "without-role")?.escalateAfter == nil)
        #expect(tenant.route(id: "without-role")?.priority == .normal)
        #expect(tenant.route(id: "without-role")?.enabled == true)
    }

    @Test func targetingDeadlinesAndIntegrations() throws {
        let targeting = acme.incidentTargeting
        #expect(targeting.mode == .usersWithServices)
        #expect(targeting.priorityUsers == ["carol", "bob"])
        #expect(targeting.includeViewers == false)

        let deadline = acme.deadlineEscalation
        #expect(deadline.thresholds == [50, 75, 90])
        #expect(deadline.levels[1] == DeadlineLevel(roles: ["workstream_lead"]))
        #expect(deadline.levels[2] == DeadlineLevel(roles: ["program_owner", "workstream_lead"]))
        #expect(deadline.levels[3] == DeadlineLevel(roles: ["platform_admin", "program_owner"], channels: [.sms, .email]))
        #expect(deadline.notifyBefore == [.hours(2)])
        #expect(deadline.stopOn == .resolve)

        let integrations = acme.integrationNotifications
        #expect(integrations.admins.role == "admin")
        #expect(integrations.channels == [.inApp, .email])
        #expect(integrations.syncFailureMinRetries == 3)
        #expect(integrations.flapWindow.seconds == 600)
        #expect(integrations.linkTemplate == "https://app.example.test/{tenant}/integrations/{integration_id}")
        #expect(integrations.preferences(for: "alice").configurationChanges == true)
        #expect(integrations.preferences(for: "alice").statusUpdates == false)
        #expect(integrations.preferences(for: "bob").configurationChanges == false)
        #expect(integrations.preferences(for: "bob").connectionIssues == true)
    }

    @Test func globexGetsEveryDefault() throws {
        #expect(globex.name == "Globex Inc")
        #expect(globex.enabled)
        #expect(globex.channels == TenantChannels())
        #expect(globex.teams.isEmpty && globex.schedules.isEmpty && globex.services.isEmpty)
        #expect(globex.escalationPolicies.isEmpty)
        #expect(globex.topRoles.isEmpty)
        #expect(globex.incidentTargeting == IncidentTargeting())
        #expect(globex.incidentTargeting.mode == .usersWithServices)
        #expect(globex.deadlineEscalation.thresholds == [50, 75, 90])
        #expect(globex.deadlineEscalation.levels == DeadlineEscalation.defaultLevels)
        #expect(globex.deadlineEscalation.levels[2]?.roles == ["program_owner", "workstream_lead"])
        #expect(globex.deadlineEscalation.stopOn == .resolve)
        #expect(globex.integrationNotifications == IntegrationNotifications())
        #expect(globex.integrationNotifications.defaults.configurationChanges == false)
        #expect(globex.integrationNotifications.flapWindow == .minutes(10))
        let gina = try #require(globex.user(id: "gina"))
        #expect(gina.effectiveChannels == [.sms, .email])
        #expect(gina.minSeverity == .info)
        #expect(gina.receiveIncidentNotifications)
    }

    @Test func everySecretNamedInTheFileIsListed() {
        let names = Set(config.secretReferences.map(\.variable))
        #expect(names == ["ACTION_TOKEN_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_WEBHOOK_URL",
                          "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SMTP_URL", "NTFY_TOKEN",
                          "ACME_SLACK_BOT_TOKEN", "ACME_SLACK_SIGNING_SECRET",
                          "PRESS_TEAMS_WEBHOOK_URL", "TICKETING_WEBHOOK_SECRET"])
        let missing = config.missingSecrets(environment: ["SLACK_BOT_TOKEN": "xoxb", "SMTP_URL": ""])
        #expect(!missing.map(\.variable).contains("SLACK_BOT_TOKEN"))
        #expect(missing.map(\.variable).contains("SMTP_URL"))
        let teams = missing.first { $0.variable == "PRESS_TEAMS_WEBHOOK_URL" }
        #expect(teams?.path == "tenants[0].services[0].webhooks[0].url_env")
        #expect(teams?.provider == "webhook acme/press-line/ops-teams")
    }

    @Test func encodingAndDecodingAgainGivesTheSameConfiguration() throws {
        let yaml = try YAMLEncoder().encode(config)
        let decoded = try YAMLDecoder().decode(AlertingConfig.self, from: yaml)
        #expect(decoded == config)
    }
}
