// Each semantic rule of the loader, broken once, reported at the exact YAML key path.
import Config
import Testing

/// One broken rule: what to change in the base file, where the error must be reported, what it says.
struct BrokenRule: Sendable, CustomTestStringConvertible {
    let name: String
    let replacements: [(String, String)]
    let path: String
    let message: String

    init(_ name: String, _ replacements: [(String, String)], _ path: String, _ message: String) {
        self.name = name
        self.replacements = replacements
        self.path = path
        self.message = message
    }

    var testDescription: String { name }
}

@Suite struct ValidationTests {
    @Test func baseFixtureIsValid() {
        #expect(Fixtures.errors(Fixtures.base) == [])
    }

    @Test func retentionIsWrittenAsADuration() throws {
        let yaml = Fixtures.base(replacing: [("limits:", "retention: {keep_for: 90d}\nlimits:")])
        #expect(Fixtures.errors(yaml) == [])
        #expect(Fixtures.errors(Fixtures.base(replacing: [("limits:", "retention: {keep_for: soon}\nlimits:")])).map(\.path) == ["retention.keep_for"])
        #expect(Fixtures.errors(Fixtures.base(replacing: [("limits:", "retention: {keep: 30d}\nlimits:")])).map(\.path) == ["retention.keep"])
    }

    @Test func twilioSendersAreE164Numbers() {
        let global = Fixtures.base(replacing: [("limits:", "channels:\n  twilio: {sms_from: \"555-0100\", whatsapp_from: \"+14155238886\"}\nlimits:")])
        #expect(Fixtures.errors(global).map(\.path) == ["channels.twilio.sms_from"])
        let tenant = Fixtures.base(replacing: [("  - id: t1\n", "  - id: t1\n    channels: {twilio: {whatsapp_from: \"whatsapp:+14155238886\"}}\n")])
        #expect(Fixtures.errors(tenant).map(\.path) == ["tenants[0].channels.twilio.whatsapp_from"])
    }

    static let rules: [BrokenRule] = [
        // Incident targeting that can reach nobody, with no admin to fall back to.
        .init("targeting notifies nobody", [("priority_users: [ben]", "priority_users: []"), ("owners: [ann]", "owners: []"),
                                            ("integration_notifications:\n", "integration_notifications:\n      admins: {role: ghost}\n")],
              "tenants[0].incident_targeting.mode", "incident targeting notifies nobody"),
        // Duplicate ids.
        .init("duplicate user", [("- id: cat", "- id: ben")], "tenants[0].users[2].id", "duplicate user id \"ben\" (first at tenants[0].users[1])"),
        .init("duplicate team", [("    schedules:", "      - id: ops\n    schedules:")], "tenants[0].teams[1].id", "duplicate team id \"ops\""),
        .init("duplicate schedule", [("    services:", "      - id: primary\n        layers: [{start: \"2026-01-05T09:00:00Z\", users: [ann]}]\n    services:")],
              "tenants[0].schedules[1].id", "duplicate schedule id \"primary\""),
        .init("duplicate service", [("    escalation_policies:", "      - id: api\n    escalation_policies:")], "tenants[0].services[1].id", "duplicate service id \"api\""),
        .init("duplicate webhook", [("            url: https://example.test/hook", "            url: https://example.test/hook\n          - id: hook\n            url: https://example.test/other")],
              "tenants[0].services[0].webhooks[1].id", "duplicate webhook id \"hook\""),
        .init("duplicate policy", [("    routes:", "      - id: default\n        steps: [{targets: [{user: ann}]}]\n    routes:")],
              "tenants[0].escalation_policies[1].id", "duplicate policy id \"default\""),
        .init("duplicate route", [("    top_roles:", "      - id: all\n    top_roles:")], "tenants[0].routes[1].id", "duplicate route id \"all\""),
        // Tenant ids are topic segments.
        .init("tenant id with slash", [("- id: t1", "- id: t/1")], "tenants[0].id", "\"t/1\" cannot be a tenant id"),
        .init("tenant id with plus", [("- id: t1", "- id: t+")], "tenants[0].id", "cannot be a tenant id"),
        .init("tenant id with hash", [("- id: t1", "- id: \"t#\"")], "tenants[0].id", "cannot be a tenant id"),
        .init("empty tenant id", [("- id: t1", "- id: \"\"")], "tenants[0].id", "a tenant id must not be empty"),
        // References.
        .init("team member unknown", [("members: [ann, ben]", "members: [ann, zed]")], "tenants[0].teams[0].members[1]", "unknown user \"zed\""),
        .init("team lead unknown", [("lead: ann", "lead: zed")], "tenants[0].teams[0].lead", "unknown user \"zed\""),
        .init("team lead not a member", [("lead: ann", "lead: cat")], "tenants[0].teams[0].lead", "lead \"cat\" is not a member of team \"ops\""),
        .init("layer user unknown", [("users: [ann, cat]", "users: [ann, zed]")], "tenants[0].schedules[0].layers[0].users[1]", "unknown user \"zed\""),
        .init("service owner unknown", [("owners: [ann]", "owners: [zed]")], "tenants[0].services[0].owners[0]", "unknown user \"zed\""),
        .init("service policy unknown", [("escalation_policy: default", "escalation_policy: x")], "tenants[0].services[0].escalation_policy", "unknown policy \"x\""),
        .init("step schedule unknown", [("{schedule: primary}", "{schedule: nightly}")],
              "tenants[0].escalation_policies[0].steps[0].targets[0].schedule", "unknown schedule \"nightly\""),
        .init("step team unknown", [("{team: ops, only_lead: true}", "{team: dev}")],
              "tenants[0].escalation_policies[0].steps[1].targets[0].team", "unknown team \"dev\""),
        .init("step user unknown", [("{schedule: primary}", "{user: zed}")],
              "tenants[0].escalation_policies[0].steps[0].targets[0].user", "unknown user \"zed\""),
        .init("step role nobody holds", [("{schedule: primary}", "{role: ceo}")],
              "tenants[0].escalation_policies[0].steps[0].targets[0].role", "unknown role \"ceo\": no user of tenant \"t1\" holds it"),
        .init("route target role unknown", [("target_roles: [admin]", "target_roles: [admin, sales]")], "tenants[0].routes[0].target_roles[1]", "unknown role \"sales\""),
        .init("route escalate_to_role unknown", [("escalate_to_role: lead", "escalate_to_role: boss")], "tenants[0].routes[0].escalate_to_role", "unknown role \"boss\""),
        .init("top role unknown", [("top_roles: [admin]", "top_roles: [ceo]")], "tenants[0].top_roles[0]", "unknown role \"ceo\""),
        .init("deadline level role unknown", [("1: {roles: [lead]}", "1: {roles: [lead]}\n        2: {roles: [program_owner]}")],
              "tenants[0].deadline_escalation.levels.2.roles[0]", "unknown role \"program_owner\""),
        .init("specific_users mode naming nobody", [("priority_users: [ben]", "mode: specific_users\n      priority_users: [ben]")],
              "tenants[0].incident_targeting.mode", "specific_users needs specific_users or specific_roles"),
        .init("specific user unknown", [("priority_users: [ben]", "priority_users: [ben]\n      specific_users: [zed]")],
              "tenants[0].incident_targeting.specific_users[0]", "unknown user \"zed\""),
        .init("specific role unknown", [("priority_users: [ben]", "priority_users: [ben]\n      specific_roles: [ops]")],
              "tenants[0].incident_targeting.specific_roles[0]", "unknown role \"ops\""),
        .init("priority user unknown", [("priority_users: [ben]", "priority_users: [zed]")], "tenants[0].incident_targeting.priority_users[0]", "unknown user \"zed\""),
        .init("integration preference user unknown", [("ann: {status_updates: true}", "zed: {status_updates: true}")],
              "tenants[0].integration_notifications.preferences.zed", "unknown user \"zed\""),
        .init("integration admin role unknown", [("    integration_notifications:", "    integration_notifications:\n      admins: {role: owner}")],
              "tenants[0].integration_notifications.admins.role", "unknown role \"owner\""),
        // Webhook URLs.
        .init("webhook with url and url_env", [("url: https://example.test/hook", "url: https://example.test/hook\n            url_env: HOOK_URL")],
              "tenants[0].services[0].webhooks[0]", "a webhook needs exactly one of url or url_env"),
        .init("webhook without url", [("url: https://example.test/hook", "name: Hook")],
              "tenants[0].services[0].webhooks[0]", "a webhook needs exactly one of url or url_env"),
        // Ranges.
        .init("threshold above 100", [("thresholds: [50, 75, 90]", "thresholds: [50, 75, 120]")],
              "tenants[0].deadline_escalation.thresholds[2]", "threshold 120 is outside 1...100"),
        .init("threshold zero", [("thresholds: [50, 75, 90]", "thresholds: [0, 75, 90]")],
              "tenants[0].deadline_escalation.thresholds[0]", "threshold 0 is outside 1...100"),
        .init("thresholds not ascending", [("thresholds: [50, 75, 90]", "thresholds: [50, 90, 75]")],
              "tenants[0].deadline_escalation.thresholds", "thresholds must be in strictly ascending order"),
        .init("route thresholds not ascending", [("escalate_to_role: lead", "escalate_to_role: lead\n        deadline_thresholds: [50, 50]")],
              "tenants[0].routes[0].deadline_thresholds", "strictly ascending"),
        .init("negative step delay", [("after: 10m", "after: -5m")], "tenants[0].escalation_policies[0].steps[1].after", "must not be negative"),
        .init("zero payload limit", [("max_payload_bytes: 1024", "max_payload_bytes: 0")], "limits.max_payload_bytes", "must be positive"),
        .init("negative payload limit", [("max_payload_bytes: 1024", "max_payload_bytes: -1")], "limits.max_payload_bytes", "must be positive"),
        // Further checks.
        .init("channel without address", [("roles: [dev]\n        email: ben@example.test", "roles: [dev]\n        email: ben@example.test\n        channels: [email, sms]")],
              "tenants[0].users[1].channels[1]", "sms needs a phone, which user \"ben\" does not have"),
        .init("phone not E.164", [("phone: \"+15550000001\"", "phone: \"555-0001\"")], "tenants[0].users[0].phone", "is not an E.164 number"),
        .init("unknown time zone", [("      - id: primary\n", "      - id: primary\n        time_zone: Mars/Olympus\n")],
              "tenants[0].schedules[0].time_zone", "unknown time zone \"Mars/Olympus\""),
        // Schedules.
        .init("schedule without layers", [("        layers:\n          - start: \"2026-01-05T09:00:00Z\"\n            rotation: 7d\n            users: [ann, cat]\n",
                                           "        layers: []\n")],
              "tenants[0].schedules[0].layers", "a schedule needs at least one layer"),
        .init("layer without users", [("users: [ann, cat]", "users: []")], "tenants[0].schedules[0].layers[0].users", "a layer needs at least one user"),
        .init("rotation of zero", [("rotation: 7d", "rotation: 0s")], "tenants[0].schedules[0].layers[0].rotation", "must be positive"),
        .init("restriction without days", [("            users: [ann, cat]\n", "            users: [ann, cat]\n            restrict: {days: [], from: \"09:00\", to: \"17:00\"}\n")],
              "tenants[0].schedules[0].layers[0].restrict.days", "name at least one day"),
        .init("restriction with an empty window", [("            users: [ann, cat]\n", "            users: [ann, cat]\n            restrict: {days: [mon], from: \"09:00\", to: \"09:00\"}\n")],
              "tenants[0].schedules[0].layers[0].restrict.to", "is empty"),
        // only_lead names a team's lead: on any other target it is refused.
        .init("only_lead on a role", [("targets: [{team: ops, only_lead: true}]", "targets: [{role: admin, only_lead: true}]")],
              "tenants[0].escalation_policies[0].steps[1].targets[0].only_lead", "only_lead applies to team targets only"),
        .init("only_lead on a schedule", [("targets: [{schedule: primary}]", "targets: [{schedule: primary, only_lead: true}]")],
              "tenants[0].escalation_policies[0].steps[0].targets[0].only_lead", "only_lead applies to team targets only"),
        .init("policy without steps", [("        steps:\n          - after: 0m\n            targets: [{schedule: primary}]\n          - after: 10m\n            targets: [{team: ops, only_lead: true}]", "        steps: []")],
              "tenants[0].escalation_policies[0].steps", "a policy needs at least one step"),
        .init("top escalation without top roles", [("top_roles: [admin]", "top_roles: []"), ("escalate_to_role: lead", "escalate_to_role: lead\n        escalate_to_top_after: 2h")],
              "tenants[0].routes[0].escalate_to_top_after", "the tenant has no top_roles"),
        .init("retention too short", [("limits:", "retention: {keep_for: 12h}\nlimits:")], "retention.keep_for", "must be at least 1d"),
        .init("retention negative", [("limits:", "retention: {keep_for: -30d}\nlimits:")], "retention.keep_for", "must be at least 1d"),
        .init("broker url not mqtt", [("limits:", "broker: {url: \"http://127.0.0.1\"}\nlimits:")], "broker.url", "is not an mqtt:// or mqtts:// URL"),
        .init("topic root with wildcard", [("limits:", "broker: {topic_root: \"a/#\"}\nlimits:")], "broker.topic_root", "is not a usable topic root"),
        .init("user id with slash", [("- id: cat", "- id: c/at")], "tenants[0].users[2].id", "cannot be a user id"),
    ]

    @Test(arguments: rules)
    func brokenRuleIsReportedAtItsPath(_ rule: BrokenRule) {
        let errors = Fixtures.errors(Fixtures.base(replacing: rule.replacements))
        let atPath = errors.filter { $0.path == rule.path }
        #expect(atPath.contains { $0.message.contains(rule.message) }, "got: \(errors.map(\.description))")
        #expect(atPath.contains { $0.description.hasPrefix("\(rule.path): ") })
    }

    @Test func duplicateTenantIDs() {
        let yaml = Fixtures.base + """
              - id: t1
                users: [{id: solo}]
            """
        let errors = Fixtures.errors(yaml)
        #expect(errors.map(\.description).contains("tenants[1].id: duplicate tenant id \"t1\" (first at tenants[0])"))
        #expect(errors.first { $0.path == "tenants[1].id" }?.code == .duplicateID)
    }

    @Test func duplicateSlackWorkspace() {
        let yaml = """
            tenants:
              - {id: a, users: [{id: u}], incident_targeting: {mode: all_members}, channels: {slack: {team_id: T1}}}
              - {id: b, users: [{id: u}], incident_targeting: {mode: all_members}, channels: {slack: {team_id: T1}}}
            """
        #expect(Fixtures.errors(yaml).map(\.description) == ["tenants[1].channels.slack.team_id: Slack workspace \"T1\" already belongs to tenants[0]"])
    }

    @Test func unknownPolicyMessageIsExact() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("escalation_policy: default", "escalation_policy: x")]))
        #expect(errors.map(\.description) == ["tenants[0].services[0].escalation_policy: unknown policy \"x\""])
        #expect(errors.first?.code == .unknownReference)
    }

    @Test func defaultDeadlineRolesAreNotRequiredButWrittenOnesAre() {
        // globex in the example has none of the default deadline levels' roles and still loads; writing them makes them checked.
        let omitted = """
            tenants:
              - {id: t, users: [{id: u, roles: [admin]}]}
            """
        #expect(Fixtures.errors(omitted) == [])
        let written = """
            tenants:
              - id: t
                users: [{id: u, roles: [admin]}]
                deadline_escalation: {levels: {1: {roles: [workstream_lead]}}}
            """
        #expect(Fixtures.errors(written).map(\.description)
            == ["tenants[0].deadline_escalation.levels.1.roles[0]: unknown role \"workstream_lead\": no user of tenant \"t\" holds it"])
    }

    @Test func aFileWithoutTenantsIsRejected() {
        #expect(Fixtures.errors("broker: {url: \"mqtt://localhost:1883\"}\n").map(\.description) == ["tenants: list at least one tenant"])
    }

    @Test func validateChecksAConfigurationBuiltInCode() throws {
        var config = try ConfigLoader.parse(yaml: Fixtures.base)
        config.tenants[0].services[0].owners = ["zed"]
        #expect(ConfigLoader.validate(config).map(\.description) == ["tenants[0].services[0].owners[0]: unknown user \"zed\""])
    }
}
