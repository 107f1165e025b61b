// An operator's test send: one attempt at one dispatch, outside the delivery table, reported as a receipt on the bus.
import Config
import Contracts
import Foundation
import Logging
import MQTT
import ServiceKit

public enum GatewayTestSend {
    /// One attempt, now, with the provider's own code; the receipt says how it went (`failed` with the reason, the
    /// HTTP status and whether it would have been retried).
    public static func attempt<Provider: GatewayProvider>(_ provider: Provider, dispatch: DispatchRequest, tenant: String,
                                                          config: AlertingConfig) -> DeliveryReceipt {
        let job = GatewayJob(seq: 0, dispatchId: dispatch.dispatchId, tenant: tenant, dispatch: dispatch)
        let outcome = provider.deliver(job, attempt: 1, config: config, connection: provider.makeConnection())
        var receipt = DeliveryReceipt(dispatchId: dispatch.dispatchId, alertId: dispatch.alert.id, channel: dispatch.channel,
                                      status: .sent, attempt: 1, recipient: dispatch.recipient)
        switch outcome {
        case .delivered(let status, let httpStatus, let providerRef):
            receipt.status = status
            receipt.httpStatus = httpStatus
            receipt.providerRef = providerRef
        case .retry(_, let httpStatus, let error, _, _):
            receipt.status = .failed
            receipt.httpStatus = httpStatus
            receipt.error = "\(error) (a dispatch would be retried)"
        case .failed(let httpStatus, let error, let failure):
            receipt.status = AttemptOutcome.finalStatus(of: failure)
            receipt.httpStatus = httpStatus
            receipt.error = error
        }
        return receipt
    }

    /// Publishes the receipt on `alerting/receipts/{tenant}` (QoS 1) and waits for the broker's PUBACK.
    public static func publish(_ receipt: DeliveryReceipt, tenant: String, service: String, options: ServiceOptions,
                               config: AlertingConfig, timeout: Double = 10) throws {
        let topics = Topics(root: config.broker.topicRoot)
        var settings = try MQTTSettings.parse(url: options.broker ?? config.broker.url,
                                              clientID: "\(options.clientID ?? "alerting-\(service)")-test-send")
        settings.cleanSession = true
        if let username = options.mqttUsername {
            settings.username = username
            settings.password = ProcessInfo.processInfo.environment["MQTT_PASSWORD"]
        }
        var logger = Logger(label: "alerting.\(service).test-send")
        logger.logLevel = .warning
        let client = MQTTClient(settings: settings, subscriptions: [], logger: logger)
        try client.start()
        defer { client.shutdown(timeout: timeout) }
        let envelope = Envelope(id: MessageID.derived(receipt.dispatchId, "receipts"), source: "alerting/\(service)", tenant: tenant,
                                data: DeliveryReceipts(receipts: [receipt]))
        client.publish(MQTTPublish(topic: topics.receipts(tenant: tenant), payload: try envelope.encoded()))
    }
}
