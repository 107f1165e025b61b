// Hot reload: the next alert sees the new directory; a directory already in hand keeps the old one.
import Config
import Directory
import Foundation
import Logging
import Router
import Testing
import TestSupport

@Test func aReloadAppliesToTheNextAlertOnly() throws {
    let directory = temporaryDirectory("router-cache")
    func yaml(_ role: String) -> String {
        """
        tenants:
          - id: t
            users:
              - {id: a, roles: [admin, \(role)], email: a@example.test}
            routes:
              - {id: r, match: {}, target_roles: [\(role)]}
          - id: off
            enabled: false
        """
    }
    let file = try TestConfig.write(yaml("first"), in: directory)
    let store = try ConfigStore(path: file.path, logger: Logger(label: "test"))
    let cache = DirectoryCache(config: store, environment: [:])
    let before = try #require(cache.directory(tenant: "t"))
    #expect(before.tenant.routes.first?.targetRoles == ["first"])
    #expect(cache.directory(tenant: "t") === before, "built once per load, not per alert")
    #expect(cache.directory(tenant: "off") == nil && cache.directory(tenant: "nope") == nil)

    _ = try TestConfig.write(yaml("second"), in: directory)
    #expect(store.reload())
    let after = try #require(cache.directory(tenant: "t"))
    #expect(after.tenant.routes.first?.targetRoles == ["second"])
    #expect(before.tenant.routes.first?.targetRoles == ["first"], "work in hand keeps its directory")
}
