// What an MQTTClient reports to its owner; every call arrives on the client's loop thread (with
// `MQTTSettings.publishesOnOwnConnection`, the publishing connection's thread reports deliveries, refusals and idle work).
public protocol MQTTSink: AnyObject, Sendable {
    /// A batch of messages read in one go. Commit them durably before returning: their PUBACKs go
    /// out only after this returns. Throwing means "not stored": none of the batch is acknowledged,
    /// the connection is dropped and the broker redelivers them.
    func mqttReceived(_ batch: [MQTTMessage]) throws
    /// Tokens of publishes the broker has acknowledged with a success code.
    func mqttDelivered(tokens: [Int64])
    /// Publishes with a token the broker refused (PUBACK reason >= 0x80: not authorized, quota exceeded,
    /// payload format invalid…). Retrying them could never succeed; they are not reported delivered. Called
    /// before the publishes count as finished (`MQTTClient.pendingPublishes`), in the order they were refused.
    func mqttRefused(_ refusals: [MQTTRefusal])
    /// After each successful (re)connect and (re)subscribe.
    func mqttConnected()
    /// True while the sink holds work it defers to a quiet moment: the loop then waits at most
    /// `MQTTSettings.idleDelay` for traffic before calling `mqttIdle()`.
    var mqttHasIdleWork: Bool { get }
    /// Nothing arrived for `MQTTSettings.idleDelay` while `mqttHasIdleWork` was true.
    func mqttIdle()
}

extension MQTTSink {
    /// A sink that keeps no record of refusals treats them as it always did: done with, like a delivery.
    public func mqttRefused(_ refusals: [MQTTRefusal]) { mqttDelivered(tokens: refusals.map(\.token)) }
    public var mqttHasIdleWork: Bool { false }
    public func mqttIdle() {}
}
