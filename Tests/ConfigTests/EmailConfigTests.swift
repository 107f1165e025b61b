// `channels.email`: TLS required unless written otherwise, a tenant's keys over the global ones, pacing checked.
import Config
import Testing

@Suite struct EmailConfigTests {
    @Test func requireTLSDefaultsToTrueAndTenantsOverrideKeyByKey() throws {
        let config = try ConfigLoader.parse(yaml: """
            channels:
              email: {smtp_url_env: SMTP_URL, from: "Alerts <alerts@example.test>", ca_file: /etc/relay-ca.pem}
            tenants:
              - id: acme
              - id: globex
                channels:
                  email: {from: "Globex <noc@globex.example.test>", require_tls: false, pacing: {per_second: 2, burst: 5}}
            """)
        let acme = try #require(config.email(forTenant: "acme"))
        #expect(acme.requiresTLS && acme.smtpURLEnv == "SMTP_URL" && acme.caFile == "/etc/relay-ca.pem" && acme.pacing == nil)
        let globex = try #require(config.email(forTenant: "globex"))
        #expect(!globex.requiresTLS && globex.smtpURLEnv == "SMTP_URL" && globex.from == "Globex <noc@globex.example.test>")
        #expect(globex.caFile == "/etc/relay-ca.pem" && globex.pacing == PacingConfig(perSecond: 2, burst: 5))
        #expect(try ConfigLoader.load(path: Fixtures.examplePath).email(forTenant: "acme")?.requiresTLS == true)
    }

    @Test func badPacingIsAnErrorWithItsPath() {
        let errors = Fixtures.errors("""
            channels:
              email: {smtp_url_env: SMTP_URL, from: a@example.test, pacing: {per_second: -1, burst: 0}}
            tenants:
              - id: acme
            """)
        let paths = Set(errors.map(\.path))
        #expect(paths.contains("channels.email.pacing.per_second") && paths.contains("channels.email.pacing.burst"), "\(errors)")
    }
}
