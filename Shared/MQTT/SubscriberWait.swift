// Publishes the broker accepted with "no matching subscribers" while they need one: held per topic, probed with backoff.
import Foundation

/// Only one message per topic goes out at a time while a topic has no subscriber (the probe, the oldest held);
/// the others, and new publishes to that topic, are held in order. When a probe is taken, everything held for
/// its topic is released in order. So a gateway that is missing for an hour costs one publish per backoff step,
/// not one per held dispatch.
struct SubscriberWait {
    /// Held publishes in their send order: `refused` came back with "no matching subscribers" (in PUBACK order,
    /// which is send order), `queued` were held before being sent and are newer than anything sent on the topic.
    /// Keeping them apart keeps the order when refusals of publishes still in flight arrive after newer ones
    /// were held.
    struct Topic {
        var refused: [MQTTPublish]
        var queued: [MQTTPublish] = []
        var attempts: Int
        var due: Double
        var probing: Bool

        var held: [MQTTPublish] { refused + queued }
        var isEmpty: Bool { refused.isEmpty && queued.isEmpty }

        mutating func takeFirst() -> MQTTPublish {
            refused.isEmpty ? queued.removeFirst() : refused.removeFirst()
        }
    }

    private(set) var topics: [String: Topic] = [:]
    /// Publishes held here (probes in flight are not counted: they are in flight).
    private(set) var heldCount = 0

    /// 0.5 s after the first refusal, doubling up to 30 s.
    static func delay(afterAttempts attempts: Int) -> Double { min(30, 0.5 * pow(2, Double(min(attempts, 10)))) }

    func isWaiting(_ topic: String) -> Bool { topics[topic] != nil }

    /// The earliest time a probe is due.
    var nextDue: Double? { topics.values.lazy.filter { !$0.probing }.map(\.due).min() }

    /// A publish came back with "no matching subscribers". Returns true when its topic starts waiting now.
    mutating func noSubscriber(_ publish: MQTTPublish, wasProbe: Bool, now: Double) -> Bool {
        heldCount += 1
        if var topic = topics[publish.topic] {
            if wasProbe {
                topic.refused.insert(publish, at: 0)
                topic.attempts += 1
                topic.due = now + Self.delay(afterAttempts: topic.attempts)
                topic.probing = false
            } else {
                topic.refused.append(publish)
            }
            topics[publish.topic] = topic
            return false
        }
        topics[publish.topic] = Topic(refused: [publish], attempts: 0, due: now + Self.delay(afterAttempts: 0), probing: false)
        return true
    }

    /// A new publish to a topic that is waiting: held behind the others instead of being sent.
    mutating func hold(_ publish: MQTTPublish) {
        guard var topic = topics[publish.topic] else { return }
        topic.queued.append(publish)
        topics[publish.topic] = topic
        heldCount += 1
    }

    /// The probes due at `now`, one per topic (each topic then waits for its probe's PUBACK).
    mutating func dueProbes(now: Double) -> [MQTTPublish] {
        var probes: [MQTTPublish] = []
        for (name, var topic) in topics where !topic.probing && topic.due <= now && !topic.isEmpty {
            probes.append(topic.takeFirst())
            topic.probing = true
            topics[name] = topic
            heldCount -= 1
        }
        return probes
    }

    /// A probe could not even be handed to the client library: it waits for the next round.
    mutating func probeNotSent(_ publish: MQTTPublish, now: Double) {
        guard var topic = topics[publish.topic] else { return }
        topic.refused.insert(publish, at: 0)
        topic.probing = false
        topic.due = now + 1
        topics[publish.topic] = topic
        heldCount += 1
    }

    /// Something on the topic reached a subscriber: everything held for it, in order, to be sent now.
    mutating func release(_ topic: String) -> [MQTTPublish] {
        guard let waiting = topics.removeValue(forKey: topic) else { return [] }
        let held = waiting.held
        heldCount -= held.count
        return held
    }
}
