// Channel names to ids per workspace, from `conversations.list` (every page), kept 5 minutes and fetched again at
// once when a name is missing (a channel created since), at most every 30 seconds.
import Foundation
import Synchronization

public final class SlackChannelDirectory: Sendable {
    struct Listing {
        var ids: [String: String]
        var fetchedAt: Date
    }

    public let maxAge: Double
    public let minimumGap: Double
    private let listings = Mutex<[String: Listing]>([:])
    /// (workspace, user) → the id of the bot's direct-message conversation with that user, which does not change.
    private let directMessages = Mutex<[String: String]>([:])

    public init(maxAge: Double = 300, minimumGap: Double = 30) {
        self.maxAge = maxAge
        self.minimumGap = minimumGap
    }

    /// Whether an address is an id already (`C…`, `G…`, `D…` channels, `U…`/`W…` users for direct messages).
    public static func isID(_ address: String) -> Bool {
        guard let first = address.first, "CGDUW".contains(first), address.count >= 9 else { return false }
        return address.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    /// The id of `address` (`#name`, `name` or an id); nil when the workspace has no such channel.
    public func id(of address: String, api: SlackAPI, now: Date = Date()) -> Result<String?, SlackCallFailure> {
        if Self.isID(address) { return .success(address) }
        let name = address.hasPrefix("#") ? String(address.dropFirst()) : address
        let key = api.workspace.key
        let cached = listings.withLock { $0[key] }
        if let cached, now.timeIntervalSince(cached.fetchedAt) < maxAge, let id = cached.ids[name] { return .success(id) }
        if let cached, cached.ids[name] == nil, now.timeIntervalSince(cached.fetchedAt) < minimumGap { return .success(nil) }
        switch Self.fetch(api) {
        case .success(let ids):
            listings.withLock { $0[key] = Listing(ids: ids, fetchedAt: now) }
            return .success(ids[name])
        case .failure(let failure):
            // A list that could not be fetched again still names the channels it named.
            if let id = cached?.ids[name] { return .success(id) }
            return .failure(failure)
        }
    }

    /// The id of the direct-message conversation with `user` (`conversations.open`), known before anything is posted
    /// in it: what finds a post whose answer was lost.
    public func directMessage(with user: String, api: SlackAPI) -> Result<String, SlackCallFailure> {
        let key = "\(api.workspace.key) \(user)"
        if let id = directMessages.withLock({ $0[key] }) { return .success(id) }
        switch api.call("conversations.open", json: ["users": .string(user)]) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let answer):
            guard let id = answer["channel"]?.objectValue?["id"]?.stringValue else {
                return .failure(SlackCallFailure(code: "invalid_response", outcome: .retry(httpStatus: 200, error: "slack conversations.open: no channel id",
                                                                                          failure: .serverError)))
            }
            directMessages.withLock { $0[key] = id }
            return .success(id)
        }
    }

    /// Forgets a workspace's list, so the next lookup fetches it.
    public func invalidate(workspace key: String) {
        _ = listings.withLock { $0.removeValue(forKey: key) }
    }

    /// Every page of the workspace's channels (public and private ones the app sees), name → id.
    static func fetch(_ api: SlackAPI) -> Result<[String: String], SlackCallFailure> {
        var ids: [String: String] = [:]
        var cursor = ""
        // A bound on pages, should an answer's cursor never end.
        for _ in 0..<1000 {
            var form = [("types", "public_channel,private_channel"), ("exclude_archived", "true"), ("limit", "200")]
            if !cursor.isEmpty { form.append(("cursor", cursor)) }
            switch api.call("conversations.list", form: form) {
            case .failure(let failure):
                return .failure(failure)
            case .success(let answer):
                for channel in answer["channels"]?.arrayValue ?? [] {
                    guard let object = channel.objectValue, let id = object["id"]?.stringValue, let name = object["name"]?.stringValue else { continue }
                    ids[name] = id
                }
                cursor = answer["response_metadata"]?.objectValue?["next_cursor"]?.stringValue ?? ""
                if cursor.isEmpty { return .success(ids) }
            }
        }
        return .success(ids)
    }
}
