// The Slack gateway's provider: one message per alert and conversation, posted with `chat.postMessage`, edited in place
// with `chat.update`, escalation notes in its thread; or a plain post through an incoming webhook when the workspace
// has no bot token. `GatewayKit` queues, paces, retries and reports.
import Config
import Contracts
import Foundation
import GatewayKit
import HTTPClient
import Store

public struct SlackProvider: GatewayProvider {
    public let channels = [SlackGatewayService.channel]
    public let store: Store
    public let channelDirectory: SlackChannelDirectory
    public var environment: [String: String]
    public var timeout: Double
    /// Nil: the standard schedule.
    public var retry: RetrySchedule?
    /// Posts to one conversation: Slack allows about one message a second per channel, with short bursts.
    public var pacing: Pacing
    /// Calls to one workspace, all its channels together: Slack's workspace-wide limits (a few hundred posts a minute,
    /// Tier 3 for `chat.update`).
    public var workspacePacing: Pacing

    public init(store: Store, channelDirectory: SlackChannelDirectory = SlackChannelDirectory(), timeout: Double = 10,
                retry: RetrySchedule? = nil, pacing: Pacing = Pacing(perSecond: 1, burst: 4),
                workspacePacing: Pacing = Pacing(perSecond: 4, burst: 20), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        self.channelDirectory = channelDirectory
        self.timeout = timeout
        self.retry = retry
        self.pacing = pacing
        self.workspacePacing = workspacePacing
        self.environment = environment
    }

    public func makeConnection() -> HTTPClient { HTTPClient() }

    public func retrySchedule(config: AlertingConfig) -> RetrySchedule { retry ?? .standard }

    public func destination(of job: GatewayJob, config: AlertingConfig) -> GatewayDestination {
        switch SlackWorkspace.resolve(tenant: job.tenant, config: config, environment: environment) {
        case .failure:
            return GatewayDestination(key: "unresolved", label: "an unconfigured Slack workspace")
        case .success(let workspace):
            // One queue per conversation of a workspace: a throttled channel delays only itself; the workspace's own
            // limit is shared by its channels.
            let conversation = workspace.webhookURL != nil ? "webhook" : job.dispatch.recipient.address
            return GatewayDestination(key: "slack \(workspace.key) \(conversation)", label: "slack \(conversation) of tenant \(job.tenant)",
                                      pacing: pacing, group: DestinationGroup(key: "slack \(workspace.key)", pacing: workspacePacing))
        }
    }

    public func deliver(_ job: GatewayJob, attempt: Int, config: AlertingConfig, connection: HTTPClient) -> AttemptOutcome {
        let workspace: SlackWorkspace
        switch SlackWorkspace.resolve(tenant: job.tenant, config: config, environment: environment) {
        case .failure(let error): return .failed(error: error.message, failure: .configuration)
        case .success(let resolved): workspace = resolved
        }
        if let webhookURL = workspace.webhookURL {
            return SlackIncomingWebhook(url: webhookURL, timeout: timeout).post(job.dispatch, client: connection)
        }
        let api = SlackAPI(workspace: workspace, client: connection, timeout: timeout)
        do {
            return try SlackConversation(job: job, api: api, store: store, channelDirectory: channelDirectory).deliver()
        } catch {
            return .retry(error: "slack gateway storage: \(error)", failure: .other)
        }
    }
}
