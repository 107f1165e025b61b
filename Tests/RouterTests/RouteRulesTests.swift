// Rules import/export and preview over the example configuration.
import Config
import Foundation
import Router
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let examplePath = root.appendingPathComponent("config/alerting.example.yaml").path

private func example() throws -> AlertingConfig { try ConfigLoader.load(path: examplePath) }

@Test func theExampleRoutesPreviewAsOneSentenceEach() throws {
    let acme = try #require(try example().tenant(id: "acme"))
    let sentences = acme.routes.map { RulePreview.sentence(for: $0, in: acme) }
    #expect(sentences == [
        "When a finance alert of type invoice_overdue arrives, notify accounting and admin via in-app, email, SMS and Slack (#finance) "
            + "at high priority; if nobody acknowledges within 60 minutes escalate to admin, and after 120 minutes to ceo.",
        "When a production alert arrives, notify carol and bob first, then the owners of the alert's service and other service owners "
            + "via in-app and Slack at critical priority.",
        "(disabled) When a sales alert of type deal_lost arrives, notify sales via in-app and email at normal priority.",
    ])
}

@Test(arguments: RouteRules.Format.allCases)
func anExportImportsBackUnchanged(_ format: RouteRules.Format) throws {
    let config = try example()
    let acme = try #require(config.tenant(id: "acme"))
    let text = try RouteRules.export(acme.routes, format: format)
    let merged = try RouteRules.importRoutes(text, into: config, tenant: "acme")
    #expect(merged == config)
}

@Test func anImportWithAnyErrorIsRejectedWholeWithKeyPaths() throws {
    let config = try example()
    let file = """
        routes:
          - id: ok
            match: {category: finance}
            target_roles: [admin]
          - id: bad
            match: {category: sales}
            target_roles: [nosuch]
            priority: urgent
            channels: [in_app]
        """
    #expect(throws: ConfigErrors.self) { try RouteRules.importRoutes(file, into: config, tenant: "acme") }
    do {
        _ = try RouteRules.importRoutes(file, into: config, tenant: "acme")
    } catch let errors as ConfigErrors {
        #expect(Set(errors.errors.map(\.path)) == ["routes[1].priority", "routes[1].target_roles[0]"])
    }
}

@Test func importAcceptsABareListAndJSON() throws {
    let config = try example()
    let list = "- {id: one, match: {}, target_roles: [admin]}\n"
    #expect(try RouteRules.importRoutes(list, into: config, tenant: "acme").tenant(id: "acme")?.routes.map(\.id) == ["one"])
    let json = #"{"routes": [{"id": "two", "match": {"type": "x"}, "priority": "low"}]}"#
    let merged = try RouteRules.importRoutes(json, into: config, tenant: "acme")
    #expect(merged.tenant(id: "acme")?.routes.map(\.priority) == [.low])
    #expect(merged.tenant(id: "globex") == config.tenant(id: "globex"), "other tenants are untouched")
    #expect(throws: ConfigErrors.self) { try RouteRules.importRoutes(#"{"routes": [], "users": []}"#, into: config, tenant: "acme") }
}

@Test func writingReplacesOnlyTheTenantsRoutesBlock() throws {
    let original = try String(contentsOfFile: examplePath, encoding: .utf8)
    let config = try example()
    let merged = try RouteRules.importRoutes("- {id: only, match: {category: finance}, target_roles: [admin], channels: [email]}\n",
                                             into: config, tenant: "acme")
    let routes = try #require(merged.tenant(id: "acme")?.routes)
    let written = try RouteRules.replacingRoutes(in: original, tenant: "acme", with: routes)
    let reread = try ConfigLoader.parse(yaml: written)
    #expect(reread.tenant(id: "acme")?.routes == routes)
    #expect(reread.tenant(id: "globex") == config.tenant(id: "globex"))
    #expect(reread.tenant(id: "acme")?.users == config.tenant(id: "acme")?.users)
    #expect(written.contains("# priority order"), "comments elsewhere are kept")
    // The other tenant's block is found and replaced the same way.
    let secondPass = try RouteRules.replacingRoutes(in: written, tenant: "globex", with: routes)
    #expect(try ConfigLoader.parse(yaml: secondPass).tenant(id: "globex")?.routes == routes)
}
