// Values of the wrong shape are reported at their YAML key path, and all problems of a file together.
import Config
import Testing

@Suite struct DecodingErrorTests {
    @Test func badEnumValueNamesTheChoices() {
        let yaml = Fixtures.base(replacing: [("email: cat@example.test", "email: cat@example.test\n        min_severity: loud")])
        #expect(Fixtures.errors(yaml).map(\.description)
            == ["tenants[0].users[2].min_severity: invalid value \"loud\" (expected one of: critical, error, warning, info)"])
    }

    @Test func stringWhereAListBelongs() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("roles: [admin, lead]", "roles: admin")]))
        #expect(errors.contains { $0.path == "tenants[0].users[0].roles" && $0.message.hasPrefix("expected a list") },
                "got: \(errors.map(\.description))")
    }

    @Test func badDuration() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("after: 10m", "after: soon")]))
        #expect(errors.map(\.description)
            == ["tenants[0].escalation_policies[0].steps[1].after: invalid duration \"soon\" (write it like 90s, 15m, 2h or 7d)"])
    }

    @Test func notANumber() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("max_payload_bytes: 1024", "max_payload_bytes: lots")]))
        #expect(errors.map(\.description) == ["limits.max_payload_bytes: expected an integer"])
    }

    @Test func missingRequiredID() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("- id: api\n", "- name: API\n")]))
        #expect(errors.map(\.description) == ["tenants[0].services[0].id: missing required key"])
        #expect(errors.first?.code == .missingKey)
    }

    @Test func unknownKeyIsReported() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("escalation_policy: default", "escalation_polcy: default")]))
        #expect(errors.map(\.description) == ["tenants[0].services[0].escalation_polcy: unknown key"])
        #expect(errors.first?.code == .unknownKey)
    }

    @Test func mappingWhereAStringBelongs() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("- id: ops\n", "- id: ops\n        name: {first: x}\n")]))
        #expect(errors.map(\.path) == ["tenants[0].teams[0].name"])
        #expect(errors.first?.message.hasPrefix("expected") == true)
    }

    @Test func badTimesAndDates() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [
            ("start: \"2026-01-05T09:00:00Z\"", "start: yesterday\n            restrict: {days: [mon, funday], from: \"9am\"}"),
        ]))
        let paths = errors.map(\.path)
        #expect(paths.contains("tenants[0].schedules[0].layers[0].start"))
        #expect(paths.contains("tenants[0].schedules[0].layers[0].restrict.days[1]"))
        #expect(paths.contains("tenants[0].schedules[0].layers[0].restrict.from"))
    }

    @Test func targetNamingTwoThings() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("{schedule: primary}", "{schedule: primary, user: ann}")]))
        #expect(errors.map(\.description)
            == ["tenants[0].escalation_policies[0].steps[0].targets[0]: a target names exactly one of schedule, team, role or user"])
    }

    @Test func everyProblemIsReportedTogether() {
        let yaml = Fixtures.base(replacing: [
            ("max_payload_bytes: 1024", "max_payload_bytes: 0"),
            ("email: cat@example.test", "email: cat@example.test\n        min_severity: loud"),
            ("after: 10m", "after: soon"),
            ("escalation_policy: default", "escalation_policy: x"),
            ("lead: ann", "lead: zed"),
            ("roles: [dev]\n        email: ben", "roles: dev\n        email: ben"),
        ])
        let paths = Set(Fixtures.errors(yaml).map(\.path))
        #expect(paths == [
            "limits.max_payload_bytes",
            "tenants[0].users[2].min_severity",
            "tenants[0].escalation_policies[0].steps[1].after",
            "tenants[0].services[0].escalation_policy",
            "tenants[0].teams[0].lead",
            "tenants[0].users[1].roles",
        ])
    }

    @Test func errorsPrintOneALine() throws {
        let yaml = Fixtures.base(replacing: [("escalation_policy: default", "escalation_policy: x"), ("lead: ann", "lead: zed")])
        do {
            _ = try ConfigLoader.parse(yaml: yaml)
            Issue.record("an invalid file loaded")
        } catch {
            #expect(error.description.split(separator: "\n").count == 2)
            #expect(error.description.contains("tenants[0].services[0].escalation_policy: unknown policy \"x\""))
            #expect(error.at("tenants[0].teams[0].lead").count == 1)
        }
    }

    @Test func invalidYAMLIsASyntaxError() {
        let errors = Fixtures.errors("tenants:\n  - id: [unclosed\n")
        #expect(errors.count == 1)
        #expect(errors.first?.code == .syntax)
        #expect(errors.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func emptyAndNonMappingFiles() {
        #expect(Fixtures.errors("").map(\.description) == ["the configuration file is empty"])
        #expect(Fixtures.errors("# only a comment\n").map(\.description) == ["the configuration file is empty"])
        #expect(Fixtures.errors("- a\n- b\n").first?.message.hasPrefix("the file must be a mapping") == true)
    }

    @Test func unreadableFile() {
        do {
            _ = try ConfigLoader.load(path: "/nonexistent/alerting.yaml")
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.errors.first?.code == .unreadable)
        }
    }
}
