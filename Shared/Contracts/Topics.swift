// Every topic of the bus, built and parsed in one place, under a configurable root.
public struct Topics: Sendable, Equatable {
    public var root: String

    public init(root: String = "alerting") { self.root = root }

    // Devices and people → ingest.
    public func intake(tenant: String, source: String) -> String { "\(root)/in/\(tenant)/\(source)" }
    public var intakeFilter: String { "\(root)/in/#" }
    public func ack(tenant: String, alertId: String) -> String { "\(root)/ack/\(tenant)/\(alertId)" }
    public var ackFilter: String { "\(root)/ack/#" }

    // ingest → everyone.
    public func rejected(tenant: String) -> String { "\(root)/rejected/\(tenant)" }
    public func alertState(tenant: String, alertId: String) -> String { "\(root)/alerts/\(tenant)/\(alertId)" }
    public func events(tenant: String, alertId: String) -> String { "\(root)/events/\(tenant)/\(alertId)" }
    public var eventsFilter: String { "\(root)/events/#" }

    // escalator → router, ingest, ops.
    public func escalations(tenant: String, alertId: String) -> String { "\(root)/escalations/\(tenant)/\(alertId)" }
    public var escalationsFilter: String { "\(root)/escalations/#" }

    // router → gateways → router.
    public func dispatch(channel: String, tenant: String) -> String { "\(root)/dispatch/\(channel)/\(tenant)" }
    public func dispatchFilter(channel: String) -> String { "\(root)/dispatch/\(channel)/+" }
    public func receipts(tenant: String) -> String { "\(root)/receipts/\(tenant)" }
    public var receiptsFilter: String { "\(root)/receipts/+" }
    public func inbox(tenant: String, user: String) -> String { "\(root)/inbox/\(tenant)/\(user)" }
    /// Analytics requests of a tenant (request/response; the request names its `reply_to`).
    public func analytics(tenant: String) -> String { "\(root)/analytics/\(tenant)" }

    public func status(service: String) -> String { "\(root)/status/\(service)" }
    public var statusFilter: String { "\(root)/status/+" }

    // Channel consumers (gateways) → publishers of dispatches: who consumes which channel right now.
    /// Retained `ConsumerAnnouncement` of a service that consumes channels.
    public func consumers(service: String) -> String { "\(root)/consumers/\(service)" }
    public var consumersFilter: String { "\(root)/consumers/+" }
    /// A publisher of dispatches calls the roll here after it connects; every consumer answers with its
    /// announcement and "online" (`MQTTPresence`).
    public var rollCall: String { "\(root)/roll-call" }

    /// The channel of a dispatch topic (`alerting/dispatch/{channel}/{tenant}`), nil for any other topic.
    public func dispatchChannel(of topic: String) -> String? {
        guard let parsed = parse(topic), parsed.kind == "dispatch", parsed.rest.count == 1 else { return nil }
        return parsed.tenant
    }

    /// Integration monitors publish outside the root (`integrations/...`), whatever `broker.topic_root` says.
    public static func integrationHealth(tenant: String, integrationId: String) -> String { "integrations/health/\(tenant)/\(integrationId)" }
    public static let integrationHealthFilter = "integrations/health/#"
    /// Retained health of one integration, kept by the integration-health-notifier.
    public static func integrationState(tenant: String, integrationId: String) -> String { "integrations/state/\(tenant)/\(integrationId)" }
    /// An admin's run-time integration notification preferences (a change), and their retained read-back.
    public static func integrationPreferences(tenant: String, user: String) -> String { "integrations/preferences/\(tenant)/\(user)" }
    public static let integrationPreferencesFilter = "integrations/preferences/+/+"
    public static func integrationPreferencesEffective(tenant: String, user: String) -> String {
        "integrations/preferences/\(tenant)/\(user)/effective"
    }

    /// A shared subscription, so several instances of a gateway split a topic's messages.
    public static func shared(group: String, _ filter: String) -> String { "$share/\(group)/\(filter)" }

    /// The segments after the root, or nil when the topic is not under it.
    public func segments(of topic: String) -> [Substring]? {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == root else { return nil }
        return Array(parts.dropFirst())
    }

    /// `(kind, tenant, rest)` of a topic under the root: `alerting/in/acme/plc-7` → `("in", "acme", ["plc-7"])`.
    public func parse(_ topic: String) -> (kind: String, tenant: String, rest: [String])? {
        guard let parts = segments(of: topic), parts.count >= 2, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]), parts.dropFirst(2).map(String.init))
    }

    /// A valid single topic segment: non-empty, no wildcards, no separators, no NUL.
    public static func isValidSegment(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 200 && !text.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" || $0 == "\u{0}" })
    }
}

/// `--partition i/n`: an instance owns the tenants whose stable hash mod n is i.
public struct Partition: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let all = Partition(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count)
        self.index = index
        self.count = count
    }

    /// Parses `i/n`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else { return nil }
        self.init(index: i, count: n)
    }

    public func owns(tenant: String) -> Bool { count == 1 || Int(Partition.stableHash(tenant) % UInt64(count)) == index }

    /// FNV-1a 64: the same on every machine and every run, unlike `Hasher`.
    public static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    public var description: String { "\(index)/\(count)" }
}
