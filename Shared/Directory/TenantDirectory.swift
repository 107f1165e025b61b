// One tenant's directory, indexed once per configuration load so that routing an alert never scans it.
import Config
import Foundation

public final class TenantDirectory: Sendable {
    public let tenant: Tenant
    /// Channels a user delivery may go to: providers configured with their secrets present (plus in-app and
    /// any channel name this module does not know, which a third-party gateway serves).
    public let availableChannels: Set<ChannelName>
    let userIndex: [String: Int]
    let serviceIndex: [String: Int]
    let roleIndex: [String: [Int]]
    let routeIndex: RouteIndex
    /// Owners of any service, in directory order (`users_with_services`).
    let serviceOwnerIndexes: [Int]

    public init(tenant: Tenant, config: AlertingConfig, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.tenant = tenant
        var users: [String: Int] = [:]
        var roles: [String: [Int]] = [:]
        for (index, user) in tenant.users.enumerated() {
            if users[user.id] == nil { users[user.id] = index }
            for role in Set(user.roles) { roles[role, default: []].append(index) }
        }
        userIndex = users
        var services: [String: Int] = [:]
        for (index, service) in tenant.services.enumerated() where services[service.id] == nil { services[service.id] = index }
        serviceIndex = services
        roleIndex = roles
        routeIndex = RouteIndex(tenant.routes)
        let owners = Set(tenant.services.flatMap(\.owners))
        serviceOwnerIndexes = tenant.users.indices.filter { owners.contains(tenant.users[$0].id) }
        availableChannels = Self.available(tenant: tenant.id, config: config, environment: environment)
    }

    public func user(id: String) -> User? { userIndex[id].map { tenant.users[$0] } }

    public func service(id: String) -> ServiceConfig? { serviceIndex[id].map { tenant.services[$0] } }

    /// Everyone holding the role, in directory order.
    public func users(withRole role: String) -> [User] { (roleIndex[role] ?? []).map { tenant.users[$0] } }

    /// The first enabled route matching the alert, in file order.
    public func route(category: String?, type: String?) -> Route? {
        routeIndex.first(category: category, type: type).map { tenant.routes[$0] }
    }

    /// True when the channel can carry a delivery for this tenant (first_available skips the others).
    public func isAvailable(_ channel: ChannelName) -> Bool {
        availableChannels.contains(channel) || !Self.providerChannels.contains(channel)
    }

    static let providerChannels: Set<ChannelName> = [.sms, .whatsapp, .email, .push, .slack]

    static func available(tenant: String, config: AlertingConfig, environment: [String: String]) -> Set<ChannelName> {
        func present(_ env: String?) -> Bool { env == nil || secret(named: env, environment: environment) != nil }
        var channels: Set<ChannelName> = [.inApp, .webhook]
        if let twilio = config.twilio(forTenant: tenant), present(twilio.accountSidEnv), present(twilio.authTokenEnv) {
            channels.insert(.sms)
            channels.insert(.whatsapp)
        }
        if let email = config.email(forTenant: tenant), present(email.smtpURLEnv) { channels.insert(.email) }
        if let push = config.push(forTenant: tenant), present(push.tokenEnv) { channels.insert(.push) }
        if let slack = config.slack(forTenant: tenant),
           (slack.botTokenEnv.map { secret(named: $0, environment: environment) != nil } ?? false)
            || (slack.defaultWebhookURLEnv.map { secret(named: $0, environment: environment) != nil } ?? false) {
            channels.insert(.slack)
        }
        return channels
    }
}

/// Routes bucketed by what they match on, so the first match is found in constant time.
struct RouteIndex: Sendable {
    private struct Pair: Hashable { let category: String; let type: String }
    private var both: [Pair: Int] = [:]
    private var byCategory: [String: Int] = [:]
    private var byType: [String: Int] = [:]
    private var any: Int?

    init(_ routes: [Route]) {
        // Keep only the first route (in file order) of each bucket: a later one can never win inside it.
        for (index, route) in routes.enumerated() where route.enabled {
            switch (route.match.category, route.match.type) {
            case let (category?, type?): if both[Pair(category: category, type: type)] == nil { both[Pair(category: category, type: type)] = index }
            case let (category?, nil): if byCategory[category] == nil { byCategory[category] = index }
            case let (nil, type?): if byType[type] == nil { byType[type] = index }
            case (nil, nil): if any == nil { any = index }
            }
        }
    }

    func first(category: String?, type: String?) -> Int? {
        var candidates: [Int] = []
        if let category, let type, let index = both[Pair(category: category, type: type)] { candidates.append(index) }
        if let category, let index = byCategory[category] { candidates.append(index) }
        if let type, let index = byType[type] { candidates.append(index) }
        if let any { candidates.append(any) }
        return candidates.min()
    }
}
