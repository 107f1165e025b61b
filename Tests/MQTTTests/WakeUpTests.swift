// Publishing from another thread must wake the loop every time: a lost wake-up leaves messages waiting for the 1 s poll timeout.
// (Checked against the old drain order, which fails this test within a second.)
import Foundation
@testable import MQTT
import Testing

/// One thread enqueues, another plays the MQTT loop (poll the wake-up pipe, drain,
/// take). A poll that times out while publishes wait in the queue is a lost wake-up.
@Test(.timeLimit(.minutes(1)))
func theMailboxNeverLosesAWakeUp() throws {
    let mailbox = MQTTMailbox()
    let wake = try WakeUpPipe()
    mailbox.attach(wake)
    let total = 200_000
    let producer = Thread {
        for index in 0..<total {
            mailbox.enqueue([MQTTPublish(topic: "t", payload: Data(), token: Int64(index))])
            if index % 64 == 0 { usleep(20) }
        }
    }
    producer.start()
    var taken = 0
    var lostWakeUps = 0
    while taken < total {
        var fd = pollfd(fd: wake.readFD, events: Int16(truncatingIfNeeded: POLLIN), revents: 0)
        let ready = poll(&fd, 1, 200)
        if ready > 0 { mailbox.drainWake() }
        let items = mailbox.take(upTo: .max)
        if ready == 0 && !items.isEmpty { lostWakeUps += 1 }
        taken += items.count
        mailbox.finished(items.count)
        if lostWakeUps > 0 { break }
    }
    #expect(lostWakeUps == 0, "the loop slept through \(lostWakeUps) wake-up(s) with publishes queued")
}
