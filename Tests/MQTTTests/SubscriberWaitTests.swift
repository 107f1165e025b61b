// Holding publishes that found no subscriber: one probe per topic, backoff, release in order.
import Foundation
import Testing
@testable import MQTT

@Suite struct SubscriberWaitTests {
    private func publish(_ topic: String, _ n: Int) -> MQTTPublish {
        MQTTPublish(topic: topic, payload: Data("\(n)".utf8), token: Int64(n), needsSubscriber: true)
    }

    @Test func oneProbePerTopicWithBackoffThenEverythingInOrder() {
        var wait = SubscriberWait()
        let smsStarts = wait.noSubscriber(publish("d/sms", 1), wasProbe: false, now: 100)
        let smsAgain = wait.noSubscriber(publish("d/sms", 2), wasProbe: false, now: 100)
        wait.hold(publish("d/sms", 3))
        let slackStarts = wait.noSubscriber(publish("d/slack", 10), wasProbe: false, now: 100)
        #expect(smsStarts && !smsAgain && slackStarts, "a warning when a topic starts waiting, not for each message")
        #expect(wait.heldCount == 4)
        #expect(wait.nextDue == 100.5)

        let early = wait.dueProbes(now: 100.4)
        #expect(early.isEmpty)
        let probes = wait.dueProbes(now: 100.5)
        #expect(Set(probes.map(\.token)) == [1, 10], "the oldest of each topic")
        let more = wait.dueProbes(now: 200)
        #expect(more.isEmpty, "one probe in flight per topic")
        #expect(wait.heldCount == 2)

        // The sms probe finds nobody again: it goes back to the front, and the wait doubles.
        let restarted = wait.noSubscriber(publish("d/sms", 1), wasProbe: true, now: 101)
        #expect(!restarted)
        #expect(wait.topics["d/sms"]?.due == 102)
        let tooEarly = wait.dueProbes(now: 101.9)
        #expect(tooEarly.isEmpty)
        let second = wait.dueProbes(now: 102)
        #expect(second.map(\.token) == [1])
        wait.probeNotSent(publish("d/sms", 1), now: 102)
        #expect(wait.topics["d/sms"]?.held.map(\.token) == [1, 2, 3])

        // The slack probe was taken: what was held for slack (nothing else) is released; sms keeps waiting.
        let slack = wait.release("d/slack")
        #expect(slack.isEmpty)
        #expect(!wait.isWaiting("d/slack"))
        let sms = wait.release("d/sms")
        #expect(sms.map(\.token) == [1, 2, 3])
        #expect(wait.heldCount == 0)
        #expect(wait.nextDue == nil)
    }

    @Test func refusalsOfPublishesStillInFlightGoBeforeNewerHeldOnes() {
        // 1–3 were sent; 1 is refused, then 4 and 5 are held unsent, then the refusals of 2 and 3 arrive.
        var wait = SubscriberWait()
        _ = wait.noSubscriber(publish("d/sms", 1), wasProbe: false, now: 100)
        wait.hold(publish("d/sms", 4))
        wait.hold(publish("d/sms", 5))
        _ = wait.noSubscriber(publish("d/sms", 2), wasProbe: false, now: 100)
        _ = wait.noSubscriber(publish("d/sms", 3), wasProbe: false, now: 100)
        #expect(wait.topics["d/sms"]?.held.map(\.token) == [1, 2, 3, 4, 5])
        #expect(wait.dueProbes(now: 101).map(\.token) == [1])
        #expect(wait.release("d/sms").map(\.token) == [2, 3, 4, 5])
        #expect(wait.heldCount == 0)
    }

    @Test func theWaitIsCappedAtThirtySeconds() {
        #expect(SubscriberWait.delay(afterAttempts: 0) == 0.5)
        #expect(SubscriberWait.delay(afterAttempts: 3) == 4)
        #expect(SubscriberWait.delay(afterAttempts: 6) == 30)
        #expect(SubscriberWait.delay(afterAttempts: 1000) == 30)
    }
}
