// A labelled counter family makes each child once and counts into the same series.
import Foundation
import Metrics
import ServiceKit
import Testing

@Test func aCounterFamilyReusesItsChildrenPerLabelValues() {
    _ = MetricsRegistry.shared
    let family = CounterFamily("test_family_total", dimensions: ["channel", "status"])
    #expect(family("webhook", "sent") === family("webhook", "sent"))
    #expect(family("webhook", "sent") !== family("webhook", "failed"))
    for _ in 0..<3 { family("webhook", "sent").increment() }
    family("sms", "failed").increment()
    let text = String(decoding: MetricsRegistry.exposition(), as: UTF8.self)
    #expect(text.contains(#"test_family_total{channel="webhook",status="sent"} 3"#))
    #expect(text.contains(#"test_family_total{channel="sms",status="failed"} 1"#))
}
