// What an MQTTClient reports to its owner; every call arrives on the client's loop thread.
public protocol MQTTSink: AnyObject, Sendable {
    /// A batch of messages read in one go. Commit them durably before returning: their PUBACKs go
    /// out only after this returns. Throwing means "not stored": none of the batch is acknowledged,
    /// the connection is dropped and the broker redelivers them.
    func mqttReceived(_ batch: [MQTTMessage]) throws
    /// Tokens of publishes the broker has acknowledged (also those it refused with a reason code,
    /// which are logged: retrying them could never succeed).
    func mqttDelivered(tokens: [Int64])
    /// After each successful (re)connect and (re)subscribe.
    func mqttConnected()
    /// True while the sink holds work it defers to a quiet moment: the loop then waits at most
    /// `MQTTSettings.idleDelay` for traffic before calling `mqttIdle()`.
    var mqttHasIdleWork: Bool { get }
    /// Nothing arrived for `MQTTSettings.idleDelay` while `mqttHasIdleWork` was true.
    func mqttIdle()
}

extension MQTTSink {
    public var mqttHasIdleWork: Bool { false }
    public func mqttIdle() {}
}
