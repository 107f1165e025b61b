// Configuration errors never print credentials or tokens that a URL carries.
@testable import Config
import Testing

@Suite struct RedactedURLTests {
    @Test(arguments: [
        ("mqtt://svc:hunter2@broker:1883", "mqtt://***@broker:1883", "hunter2"),
        ("https://discord.example.test/api/webhooks/1/tok3n-secret", "https://discord.example.test/***", "tok3n-secret"),
        ("https://hooks.example.test/x?token=abc123secret", "https://hooks.example.test/***?***", "abc123secret"),
        ("ftp://user:pw-secret@files.example.test", "ftp://***@files.example.test", "pw-secret"),
        ("not a url with a s3cr3t", "… (23 characters, not shown)", "s3cr3t"),
    ])
    func describesOnlySchemeHostAndPort(_ example: (String, String, String)) {
        let shown = RedactedURL.describe(example.0)
        #expect(shown == example.1)
        #expect(!shown.contains(example.2))
    }

    @Test func configurationErrorsShowURLsRedacted() {
        let yaml = Fixtures.base(replacing: [("limits:\n", "broker:\n  url: ftp://svc:hunter2@broker:1883/x\nlimits:\n")])
        let errors = Fixtures.errors(yaml)
        let broker = errors.first { $0.path == "broker.url" }
        #expect(broker != nil, "\(errors)")
        #expect(errors.allSatisfy { !"\($0)".contains("hunter2") }, "\(errors)")
    }

    @Test func intakeLimitsAreValidated() {
        let errors = Fixtures.errors(Fixtures.base(replacing: [("  max_payload_bytes: 1024\n",
            "  max_payload_bytes: 1024\n  intake_rate_per_tenant: -1\n  intake_burst_per_tenant: 0\n")]))
        #expect(Set(errors.map(\.path)).isSuperset(of: ["limits.intake_rate_per_tenant", "limits.intake_burst_per_tenant"]), "\(errors)")
    }
}
