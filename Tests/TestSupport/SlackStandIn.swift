// A local server answering like Slack's Web API for the methods the gateway uses (`chat.postMessage`, `chat.update`,
// `conversations.list` in pages, `conversations.history` with metadata) and an incoming webhook, recording every call.
import Foundation
import Synchronization

public final class SlackStandIn: Sendable {
    public struct Message: Sendable {
        public var channel: String
        public var ts: String
        /// The last body posted or updated for this message (a JSON object).
        public var body: Data
        public var updates: Int
        public var threadTS: String?

        public var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        /// The message's text and every block's text, for assertions on what a reader sees.
        public var visibleText: String { String(decoding: body, as: UTF8.self) }
    }

    public let server: TestHTTPServer
    /// name → id of the workspace's channels; `conversations.list` returns them `pageSize` at a time.
    public let channels: [(name: String, id: String)]
    public let pageSize: Int
    private let state = Mutex<(messages: [Message], counter: Int)>(([], 0))
    /// Answers first asked for each request: nil lets the stand-in answer as Slack would.
    private let lostAnswers = Mutex<[String: Int]>([:])
    private let delays = Mutex<[String: Double]>([:])
    private let overrides = Mutex<[@Sendable (RecordedHTTPRequest) -> ScriptedHTTPResponse?]>([])

    public var apiURL: String { server.url + "/api" }
    public var webhookURL: String { server.url + "/services/T000/B000/XXXX" }

    public static func start(channels: [(name: String, id: String)] = [("alerts", "C0ALERTS01")], pageSize: Int = 2) async throws -> SlackStandIn {
        let server = try await TestHTTPServer.start()
        let standIn = SlackStandIn(server: server, channels: channels, pageSize: pageSize)
        server.responder = { [weak standIn] request in standIn?.answer(request) ?? ScriptedHTTPResponse(status: 503) }
        return standIn
    }

    private init(server: TestHTTPServer, channels: [(name: String, id: String)], pageSize: Int) {
        self.server = server
        self.channels = channels
        self.pageSize = pageSize
    }

    public func stop() { server.stop() }

    /// Adds a script consulted before the stand-in's own answer (the latest added first).
    public func script(_ override: @escaping @Sendable (RecordedHTTPRequest) -> ScriptedHTTPResponse?) {
        overrides.withLock { $0.insert(override, at: 0) }
    }

    /// The next `count` calls of `method` take effect but are answered 503, as when an answer is lost on the way.
    public func loseAnswers(to method: String, count: Int = 1) {
        lostAnswers.withLock { $0[method, default: 0] += count }
    }

    /// Calls of `method` take effect at once but are answered `seconds` later (a gateway can be killed in between).
    public func delayAnswers(to method: String, by seconds: Double) {
        delays.withLock { $0[method] = seconds }
    }

    public var messages: [Message] { state.withLock { $0.messages } }
    public var requests: [RecordedHTTPRequest] { server.requests }
    public func calls(_ method: String) -> [RecordedHTTPRequest] { server.requests.filter { $0.path == "/api/\(method)" } }

    /// Waits until `condition` holds of the messages.
    public func wait(timeout: Double = 20, _ what: String, until condition: ([Message]) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(messages) {
            if Date() > deadline { throw TestHTTPServerError(code: .timeout, message: "Slack stand-in: \(what) within \(timeout) s") }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    public static func json(_ object: [String: Any]) -> ScriptedHTTPResponse {
        ScriptedHTTPResponse(status: 200, headers: [("Content-Type", "application/json")],
                             body: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    private func answer(_ request: RecordedHTTPRequest) -> ScriptedHTTPResponse {
        let answer = effect(request)
        let method = request.path.hasPrefix("/api/") ? String(request.path.dropFirst("/api/".count)) : ""
        let lose = lostAnswers.withLock { lost -> Bool in
            guard let count = lost[method], count > 0 else { return false }
            lost[method] = count - 1
            return true
        }
        var scripted = lose ? ScriptedHTTPResponse(status: 503, body: Data("lost".utf8)) : answer
        scripted.delay = delays.withLock { $0[method] } ?? 0
        return scripted
    }

    private func effect(_ request: RecordedHTTPRequest) -> ScriptedHTTPResponse {
        for override in overrides.withLock({ $0 }) {
            if let scripted = override(request) { return scripted }
        }
        if request.path.hasPrefix("/services/") {
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else {
                return ScriptedHTTPResponse(status: 400, body: Data("invalid_payload".utf8))
            }
            state.withLock { state in
                state.counter += 1
                state.messages.append(Message(channel: "webhook", ts: "webhook.\(state.counter)", body: request.body, updates: 0))
            }
            return ScriptedHTTPResponse(status: 200, body: Data("ok".utf8))
        }
        guard request.header("authorization")?.hasPrefix("Bearer ") == true else { return Self.json(["ok": false, "error": "not_authed"]) }
        let method = String(request.path.dropFirst("/api/".count))
        switch method {
        case "chat.postMessage":
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any], var channel = body["channel"] as? String else {
                return Self.json(["ok": false, "error": "invalid_arguments"])
            }
            if channel.hasPrefix("#") {
                guard let id = channels.first(where: { "#" + $0.name == channel })?.id else { return Self.json(["ok": false, "error": "channel_not_found"]) }
                channel = id
            } else if channel.hasPrefix("U") {
                channel = "D" + channel.dropFirst()
            } else if !channel.hasPrefix("D"), !channels.contains(where: { $0.id == channel }) {
                return Self.json(["ok": false, "error": "channel_not_found"])
            }
            let ts = state.withLock { state in
                state.counter += 1
                let ts = String(format: "1700000000.%06d", state.counter)
                state.messages.append(Message(channel: channel, ts: ts, body: request.body, updates: 0, threadTS: body["thread_ts"] as? String))
                return ts
            }
            return Self.json(["ok": true, "channel": channel, "ts": ts])
        case "chat.update":
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any], let channel = body["channel"] as? String,
                  let ts = body["ts"] as? String else { return Self.json(["ok": false, "error": "invalid_arguments"]) }
            let found = state.withLock { state in
                guard let index = state.messages.firstIndex(where: { $0.channel == channel && $0.ts == ts }) else { return false }
                state.messages[index].body = request.body
                state.messages[index].updates += 1
                return true
            }
            return found ? Self.json(["ok": true, "channel": channel, "ts": ts]) : Self.json(["ok": false, "error": "message_not_found"])
        case "conversations.open":
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any], let user = body["users"] as? String,
                  user.hasPrefix("U") else { return Self.json(["ok": false, "error": "user_not_found"]) }
            return Self.json(["ok": true, "channel": ["id": "D" + user.dropFirst()]])
        case "conversations.list":
            let form = Self.form(request.body)
            let start = Int(form["cursor"] ?? "") ?? 0
            let page = channels.dropFirst(start).prefix(pageSize)
            let next = start + page.count < channels.count ? String(start + page.count) : ""
            return Self.json(["ok": true, "channels": page.map { ["id": $0.id, "name": $0.name] },
                              "response_metadata": ["next_cursor": next]])
        case "conversations.history":
            let form = Self.form(request.body)
            let found = messages.filter { $0.channel == form["channel"] }.reversed().map { message -> [String: Any] in
                var object: [String: Any] = ["ts": message.ts, "type": "message"]
                if let metadata = message.json["metadata"] { object["metadata"] = metadata }
                return object
            }
            return Self.json(["ok": true, "messages": Array(found)])
        default:
            return Self.json(["ok": false, "error": "unknown_method"])
        }
    }

    static func form(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}
