// Standard Webhooks signing against the specification's published test vector, and verification.
import Foundation
import Testing
@testable import WebhookGateway

@Test func signatureMatchesTheStandardWebhooksTestVector() {
    let signer = WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    let signature = signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8))
    #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
}

@Test func aPlainSecretIsUsedAsItsBytes() {
    // Expected value computed with Python's hmac module.
    let signer = WebhookSigner(secret: "plain-secret")
    #expect(signer.signature(id: "d1", timestamp: 1_700_000_000, body: Data(#"{"a":1}"#.utf8)) == "v1,0UEVccTzdzK6kvG9oOmPblnL2F70ySBYvCGhJKiCiss=")
}

@Test func verificationChecksBodyAndReplayWindow() {
    let signer = WebhookSigner(secret: "s3cret")
    let body = Data("hello".utf8)
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let header = signer.signature(id: "m", timestamp: 1_700_000_000, body: body)
    #expect(signer.verify(id: "m", timestamp: 1_700_000_000, body: body, signatureHeader: "v1,other " + header, now: now))
    #expect(!signer.verify(id: "m", timestamp: 1_700_000_000, body: Data("hellO".utf8), signatureHeader: header, now: now))
    #expect(!signer.verify(id: "m2", timestamp: 1_700_000_000, body: body, signatureHeader: header, now: now))
    #expect(!signer.verify(id: "m", timestamp: 1_700_000_000, body: body, signatureHeader: header, now: now.addingTimeInterval(301)))
    #expect(!WebhookSigner(secret: "other").verify(id: "m", timestamp: 1_700_000_000, body: body, signatureHeader: header, now: now))
}
