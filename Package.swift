// swift-tools-version:6.0
// The MQTT-native alerting system: shared modules, the services, their tests.
import PackageDescription

let package = Package(
    name: "alerting",
    // Linux only (Debian: libmosquitto, libsqlite3 and libcurl from apt, Glibc), so no `platforms`: listing macOS
    // would claim a build nobody runs.
    products: [
        .executable(name: "ingest", targets: ["IngestMain"]),
        .executable(name: "router", targets: ["RouterMain"]),
        .executable(name: "webhook-gateway", targets: ["WebhookGatewayMain"]),
        .executable(name: "slack-gateway", targets: ["SlackGatewayMain"]),
        .executable(name: "sms-whatsapp-gateway", targets: ["SMSWhatsAppGatewayMain"]),
        .executable(name: "email-gateway", targets: ["EmailGatewayMain"]),
        .executable(name: "escalator", targets: ["EscalatorMain"]),
        .executable(name: "integration-health-notifier", targets: ["IntegrationHealthNotifierMain"]),
        .executable(name: "bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        // C libraries behind thin shims.
        .systemLibrary(name: "CMosquitto", path: "Shared/CMosquitto", pkgConfig: "libmosquitto",
                       providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CCurl", path: "Shared/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),

        // Shared Swift modules.
        .target(name: "Contracts", path: "Shared/Contracts"),
        .target(name: "MQTT", dependencies: [
            "CMosquitto",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Shared/MQTT"),
        .target(name: "Store", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Shared/Store"),
        .target(name: "HTTPClient", dependencies: [
            "CCurl",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Shared/HTTPClient"),
        .target(name: "Config", dependencies: [
            "Yams",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Shared/Config"),
        .target(name: "ServiceKit", dependencies: [
            "Contracts", "MQTT", "Store", "Config",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Shared/ServiceKit"),

        // What every gateway shares: consume → deliver → receipt, per-destination queues, retries from the table.
        .target(name: "GatewayKit", dependencies: [
            "ServiceKit", "Contracts", "Config", "Store", "MQTT", "HTTPClient",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Shared/GatewayKit"),

        .target(name: "Directory", dependencies: [
            "Config", "Contracts",
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Shared/Directory"),

        // Services: logic library + thin executable.
        .target(name: "Ingest", dependencies: ["ServiceKit", "Contracts", "Config", "Store", "MQTT",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Services/ingest", exclude: ["Main"]),
        .executableTarget(name: "IngestMain", dependencies: ["Ingest", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Services/ingest/Main"),
        .target(name: "Router", dependencies: ["ServiceKit", "Contracts", "Config", "Store", "MQTT", "Directory",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Services/router", exclude: ["Main"]),
        .executableTarget(name: "RouterMain", dependencies: ["Router", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Services/router/Main"),
        .target(name: "WebhookGateway", dependencies: ["GatewayKit", "ServiceKit", "Contracts", "Config", "Store", "MQTT", "HTTPClient",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Services/webhook-gateway", exclude: ["Main"]),
        .executableTarget(name: "WebhookGatewayMain", dependencies: ["WebhookGateway", "GatewayKit", "ServiceKit", "Config", "Contracts", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Services/webhook-gateway/Main"),
        .target(name: "SlackGateway", dependencies: ["GatewayKit", "ServiceKit", "Contracts", "Config", "Store", "MQTT", "HTTPClient",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Services/slack-gateway", exclude: ["Main"]),
        .executableTarget(name: "SlackGatewayMain", dependencies: ["SlackGateway", "GatewayKit", "ServiceKit", "Config", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Services/slack-gateway/Main"),

        .target(name: "SMSWhatsAppGateway", dependencies: ["GatewayKit", "ServiceKit", "Contracts", "Config", "Store", "MQTT", "HTTPClient",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Services/sms-whatsapp-gateway", exclude: ["Main"]),
        .executableTarget(name: "SMSWhatsAppGatewayMain", dependencies: ["SMSWhatsAppGateway", "GatewayKit", "ServiceKit", "Config", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Services/sms-whatsapp-gateway/Main"),

        .target(name: "EmailGateway", dependencies: ["GatewayKit", "ServiceKit", "Contracts", "Config", "CCurl",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Services/email-gateway", exclude: ["Main"]),
        .executableTarget(name: "EmailGatewayMain", dependencies: ["EmailGateway", "GatewayKit", "ServiceKit", "Config", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Services/email-gateway/Main"),

        .target(name: "Escalator", dependencies: ["ServiceKit", "Contracts", "Config", "Store", "MQTT",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Services/escalator", exclude: ["Main"]),
        .executableTarget(name: "EscalatorMain", dependencies: ["Escalator", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Services/escalator/Main"),

        .target(name: "IntegrationHealth", dependencies: ["ServiceKit", "Contracts", "Config", "Store", "MQTT",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Services/integration-health-notifier", exclude: ["Main"]),
        .executableTarget(name: "IntegrationHealthNotifierMain", dependencies: ["IntegrationHealth", "ServiceKit",
                                                                                .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Services/integration-health-notifier/Main"),

        // The benchmark: drives the real system over a real broker (scripts/bench).
        .executableTarget(name: "Bench", dependencies: [
            "Harness", "MQTT", "Contracts", "HTTPClient", "Store", "Escalator", "Config", "Directory",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks"),

        // Child processes and local ports, shared by the tests and the benchmark.
        .target(name: "Harness", path: "Tests/Harness"),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Harness", "MQTT", "ServiceKit", "Config", "HTTPClient",
            .product(name: "Hummingbird", package: "hummingbird"),
        ], path: "Tests/TestSupport", exclude: ["smtp_recorder.py"]),
        .testTarget(name: "ServiceKitTests", dependencies: ["ServiceKit", "Config", "Contracts", "MQTT", "Store", "Harness", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "ContractsTests", dependencies: ["Contracts", "Harness"]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "Harness", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "TestSupport"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "TestSupport"]),
        .testTarget(name: "RouterTests", dependencies: ["Router", "Harness", "TestSupport"]),
        .testTarget(name: "WebhookGatewayTests", dependencies: ["WebhookGateway", "GatewayKit", "TestSupport"]),
        .testTarget(name: "SMSWhatsAppGatewayTests", dependencies: ["SMSWhatsAppGateway", "GatewayKit", "TestSupport"]),
        .testTarget(name: "SlackGatewayTests", dependencies: ["SlackGateway", "GatewayKit", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "EmailGatewayTests", dependencies: ["EmailGateway", "GatewayKit", "TestSupport"]),
        .testTarget(name: "GatewayKitTests", dependencies: ["GatewayKit", "TestSupport"]),
        .testTarget(name: "DirectoryTests", dependencies: ["Directory"]),
        .testTarget(name: "EscalatorTests", dependencies: ["Escalator", "TestSupport"]),
        .testTarget(name: "IntegrationHealthTests", dependencies: ["IntegrationHealth", "Router", "TestSupport"]),
        .testTarget(name: "SystemTests", dependencies: ["Ingest", "Router", "WebhookGateway", "SlackGateway", "SMSWhatsAppGateway", "EmailGateway", "GatewayKit",
                                                        "Escalator", "IntegrationHealth", "TestSupport"]),
    ]
)
