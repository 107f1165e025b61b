// libmosquitto's callbacks: they only record what happened; the loop acts on it after the read.
internal import CMosquitto
import Foundation
import Logging

extension MQTTLoop {
    /// The userdata pointer is the loop itself, unretained: the loop outlives its handle.
    private static func from(_ userdata: UnsafeMutableRawPointer?) -> MQTTLoop? {
        guard let userdata else { return nil }
        return Unmanaged<MQTTLoop>.fromOpaque(userdata).takeUnretainedValue()
    }

    func installCallbacks(_ handle: OpaquePointer) {
        mosquitto_connect_v5_callback_set(handle) { _, userdata, reason, flags, _ in
            MQTTLoop.from(userdata)?.connackReceived(reason: reason, flags: flags)
        }
        mosquitto_disconnect_v5_callback_set(handle) { _, userdata, rc, _ in
            MQTTLoop.from(userdata)?.disconnected(rc: rc)
        }
        mosquitto_message_v5_callback_set(handle) { _, userdata, message, _ in
            guard let message else { return }
            MQTTLoop.from(userdata)?.received(message.pointee)
        }
        mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reason, _ in
            MQTTLoop.from(userdata)?.acknowledged(mid: mid, reason: reason)
        }
        mosquitto_subscribe_v5_callback_set(handle) { _, userdata, mid, count, granted, _ in
            let codes = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? []
            MQTTLoop.from(userdata)?.subscribed(mid: mid, granted: codes)
        }
    }

    private func connackReceived(reason: Int32, flags: Int32) {
        if reason == 0 {
            connackArrived = true
            sessionPresent = flags & 1 == 1
        } else {
            // libmosquitto closes the connection right after; the disconnect path schedules the retry.
            logger.error("MQTT broker refused the connection", metadata: [
                "broker": "\(settings.endpoint)", "reason": "\(String(cString: mosquitto_reason_string(reason)))",
            ])
        }
    }

    private func disconnected(rc: Int32) {
        let wasUp = isLinkUp
        mailbox.isConnected = false
        connackArrived = false
        subackArrived = false
        // QoS 0 messages die with the connection; libmosquitto keeps the QoS 1 ones and resends them.
        for (mid, entry) in inflight where entry.qos == 0 {
            inflight[mid] = nil
            if entry.fromCaller { finishedCount += 1 }
        }
        let delay = backoff.next()
        phase = .idle(retryAt: monotonicSeconds() + delay)
        switch stopping {
        case .sayingOffline, .disconnecting:
            logger.debug("disconnected from MQTT broker", metadata: ["broker": "\(settings.endpoint)"])
        case .no, .draining:
            logger.warning(wasUp ? "connection to MQTT broker lost" : "cannot connect to MQTT broker", metadata: [
                "broker": "\(settings.endpoint)", "reason": "\(MQTTError.reason(rc))", "retry_in": "\(rounded(delay))",
            ])
        }
    }

    private func received(_ message: mosquitto_message) {
        guard !discardingIncoming else { return }
        if let presence = settings.presence, strcmp(message.topic, presence.rollCallTopic) == 0 {
            rollCallHeard = true
            return
        }
        let payload = message.payloadlen > 0 && message.payload != nil
            ? Data(bytes: message.payload, count: Int(message.payloadlen))
            : Data()
        batch.append(MQTTMessage(topic: String(cString: message.topic), payload: payload,
                                 retain: message.retain, qos: Int(message.qos)))
    }

    private func acknowledged(mid: Int32, reason: Int32) {
        guard let entry = inflight.removeValue(forKey: mid) else { return }
        if let publish = entry.publish {
            if reason == Int32(MQTT_RC_NO_MATCHING_SUBSCRIBERS.rawValue) {
                noSubscriber(publish, wasProbe: entry.isProbe)
                return
            }
            if reason < 0x80 { subscriberFound(on: publish.topic) }
        }
        if reason >= 0x80 {
            let text = String(cString: mosquitto_reason_string(reason))
            logger.error("MQTT broker refused a publish", metadata: ["topic": "\(entry.topic)", "reason": "\(text)"])
            // Not a delivery: the sink keeps it as a dead letter (0x10 "no matching subscribers" is below 0x80).
            if let token = entry.token {
                refusedPublishes.append(MQTTRefusal(token: token, reasonCode: Int(reason), reasonText: text))
                if entry.fromCaller { finishedCount += 1 }
                return
            }
        }
        if let token = entry.token { deliveredTokens.append(token) }
        if entry.fromCaller { finishedCount += 1 }
    }

    private func subscribed(mid: Int32, granted: [Int32]) {
        guard let filters = pendingSubscribes.removeValue(forKey: mid) else { return }
        for (index, code) in granted.enumerated() where code >= 0x80 {
            logger.error("MQTT broker refused a subscription", metadata: [
                "subscription": "\(index < filters.count ? filters[index] : "?")",
                "reason": "\(String(cString: mosquitto_reason_string(code)))",
            ])
        }
        if pendingSubscribes.isEmpty { subackArrived = true }
    }
}
