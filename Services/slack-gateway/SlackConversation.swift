// One dispatch in its Slack conversation: the alert's message there is posted once, then edited in place; an
// escalation adds a note in its thread. A post whose outcome a crash left unknown is looked for before posting again.
import Contracts
import Foundation
import GatewayKit
import Store

struct SlackConversation {
    let job: GatewayJob
    let api: SlackAPI
    let store: Store
    let channelDirectory: SlackChannelDirectory

    private var dispatch: DispatchRequest { job.dispatch }
    private var conversation: String { dispatch.recipient.address }

    /// The message (channel id and `ts`) an edit goes to.
    struct Posted: Equatable {
        var channel: String
        var ts: String
        var providerRef: String { "\(channel):\(ts)" }
    }

    func deliver() throws -> AttemptOutcome {
        let record = try store.read { db in
            try SlackMessages.find(db, tenant: job.tenant, alertId: dispatch.alert.id, conversation: conversation)
        }
        var existing = record.flatMap { row in row.ts.flatMap { ts in row.channelId.map { Posted(channel: $0, ts: ts) } } }
        if existing == nil, let record, let channel = record.channelId {
            // A post was under way when the gateway stopped: did Slack take it?
            switch findPost(of: record.dispatchId, in: channel, since: record.postedAt) {
            case .failure(let failure): return failure.outcome
            case .success(let found?):
                try recordPosted(found)
                existing = found
            case .success(nil): break
            }
        }
        if let existing, record?.dispatchId == dispatch.dispatchId {
            // This very dispatch was posted already (the gateway stopped before it recorded the delivery).
            return .delivered(httpStatus: 200, providerRef: existing.providerRef)
        }
        if existing == nil, dispatch.kind == .update, let reference = dispatch.providerRef.flatMap(Self.parse) {
            existing = reference
        }
        // A person notified again (an escalation's repeat, a failover) gets a new message, which notifies; a channel's
        // second post about the alert (a route's and the service's) edits the one it has.
        let notifiesAgain = dispatch.kind == .notify && dispatch.recipient.kind == .user
        guard let existing, !notifiesAgain else { return try post() }
        return try edit(existing, record: record)
    }

    /// `channel:ts` as receipts carry it.
    static func parse(_ providerRef: String) -> Posted? {
        let parts = providerRef.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return Posted(channel: parts[0], ts: parts[1])
    }

    private func post() throws -> AttemptOutcome {
        let channel: String
        if dispatch.recipient.kind == .user {
            switch channelDirectory.directMessage(with: conversation, api: api) {
            case .success(let id): channel = id
            case .failure(let failure) where failure.code == "missing_scope":
                // Without `im:write` Slack still opens the conversation on a post to the user (found again by nothing).
                channel = conversation
            case .failure(let failure): return failure.outcome
            }
        } else {
            switch channelDirectory.id(of: conversation, api: api) {
            case .success(let id?): channel = id
            case .success(nil):
                return .failed(httpStatus: 200, error: "slack: channel_not_found (no channel \(conversation) in the workspace's channel list)",
                               failure: .rejected)
            case .failure(let failure) where failure.code == "missing_scope":
                // An app that may not list channels still posts by name.
                channel = conversation
            case .failure(let failure):
                return failure.outcome
            }
        }
        try store.write { db in
            try SlackMessages.begin(db, tenant: job.tenant, alertId: dispatch.alert.id, conversation: conversation, dispatchId: dispatch.dispatchId,
                                    channelId: channel == conversation && dispatch.recipient.kind == .user ? nil
                                        : SlackChannelDirectory.isID(channel) ? channel : nil,
                                    priority: dispatch.priority, shownAt: dispatch.alert.updatedAt, at: Date())
        }
        var message = SlackMessage.content(for: dispatch)
        message["channel"] = .string(channel)
        message["metadata"] = .object([
            "event_type": .string("alert_dispatch"),
            "event_payload": .object(["dispatch_id": .string(dispatch.dispatchId), "alert_id": .string(dispatch.alert.id),
                                      "tenant": .string(job.tenant)]),
        ])
        switch api.call("chat.postMessage", json: message) {
        case .failure(let failure):
            return failure.outcome
        case .success(let answer):
            guard let ts = answer["ts"]?.stringValue, let channelID = answer["channel"]?.stringValue else {
                return .delivered(httpStatus: 200)
            }
            let posted = Posted(channel: channelID, ts: ts)
            try recordPosted(posted)
            return .delivered(httpStatus: 200, providerRef: posted.providerRef)
        }
    }

    /// The alert's message shows this dispatch, unless it shows a later state of the alert already (a first post
    /// retried after its update went out); an escalation also gets a note in the thread.
    private func edit(_ posted: Posted, record: SlackMessages.Posted?) throws -> AttemptOutcome {
        if let record, dispatch.alert.updatedAt.timeIntervalSince1970 < record.shownAt {
            return try threadNote(posted) ?? .delivered(httpStatus: 200, providerRef: posted.providerRef)
        }
        var shown = dispatch
        // A route's post and a service's post in one channel are one message, with the route's priority.
        shown.priority = dispatch.priority ?? record?.priority
        var message = SlackMessage.content(for: shown)
        message["channel"] = .string(posted.channel)
        message["ts"] = .string(posted.ts)
        switch api.call("chat.update", json: message) {
        case .failure(let failure) where ["message_not_found", "cant_update_message", "edit_window_closed"].contains(failure.code):
            // Deleted, or too old to edit: a new message takes its place.
            return try post()
        case .failure(let failure):
            return failure.outcome
        case .success:
            break
        }
        if record != nil {
            try store.write { db in
                try SlackMessages.edited(db, tenant: job.tenant, alertId: dispatch.alert.id, conversation: conversation, priority: dispatch.priority,
                                         shownAt: dispatch.alert.updatedAt)
            }
        }
        return try threadNote(posted) ?? .delivered(httpStatus: 200, providerRef: posted.providerRef)
    }

    /// An escalation's note in the message's thread; nil when there is none or it went out.
    private func threadNote(_ posted: Posted) throws -> AttemptOutcome? {
        guard dispatch.event == .escalated else { return nil }
        var reply = SlackMessage.threadReply(for: dispatch)
        reply["channel"] = .string(posted.channel)
        reply["thread_ts"] = .string(posted.ts)
        if case .failure(let failure) = api.call("chat.postMessage", json: reply) { return failure.outcome }
        return nil
    }

    private func recordPosted(_ posted: Posted) throws {
        try store.write { db in
            try SlackMessages.posted(db, tenant: job.tenant, alertId: dispatch.alert.id, conversation: conversation, channelId: posted.channel, ts: posted.ts)
        }
    }

    /// The message whose metadata names `dispatchId`, posted in `channel` since `since` (seconds since 1970).
    private func findPost(of dispatchId: String, in channel: String, since: Double) -> Result<Posted?, SlackCallFailure> {
        let form = [("channel", channel), ("oldest", String(format: "%.6f", since - 60)), ("limit", "100"), ("include_all_metadata", "true")]
        switch api.call("conversations.history", form: form) {
        case .failure(let failure):
            // Without the history scope the gateway cannot tell: it posts again rather than never.
            return failure.code == "missing_scope" ? .success(nil) : .failure(failure)
        case .success(let answer):
            for message in answer["messages"]?.arrayValue ?? [] {
                guard let object = message.objectValue, let ts = object["ts"]?.stringValue,
                      object["metadata"]?.objectValue?["event_payload"]?.objectValue?["dispatch_id"]?.stringValue == dispatchId else { continue }
                return .success(Posted(channel: channel, ts: ts))
            }
            return .success(nil)
        }
    }
}
