// Slack's request signing: its documented example, and forged, expired and malformed variants.
import Foundation
import SlackGateway
import Testing

/// The example of Slack's "Verifying requests from Slack" page.
private let documentedSecret = "8f742231b10e8888abcd99yyyzzz85a5"
private let documentedTimestamp = "1531420618"
private let documentedBody = Data(("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").utf8)
private let documentedSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
private let then = Date(timeIntervalSince1970: 1531420618 + 30)

@Test func slacksDocumentedExampleVerifies() {
    let signer = SlackSignature(secret: documentedSecret)
    #expect(signer.sign(timestamp: documentedTimestamp, body: documentedBody) == documentedSignature)
    #expect(signer.verify(signature: documentedSignature, timestamp: documentedTimestamp, body: documentedBody, now: then) == .valid)
}

@Test func forgedExpiredAndMalformedSignaturesAreRefused() {
    let signer = SlackSignature(secret: documentedSecret)
    // Another secret, a changed body, a changed timestamp: a mismatch.
    #expect(SlackSignature(secret: "not-the-secret").verify(signature: documentedSignature, timestamp: documentedTimestamp,
                                                            body: documentedBody, now: then) == .mismatch)
    #expect(signer.verify(signature: documentedSignature, timestamp: documentedTimestamp, body: documentedBody + Data("&x=1".utf8), now: then) == .mismatch)
    #expect(signer.verify(signature: documentedSignature, timestamp: "1531420619", body: documentedBody, now: then) == .mismatch)
    // Right signature, but more than five minutes old (or ahead).
    #expect(signer.verify(signature: documentedSignature, timestamp: documentedTimestamp, body: documentedBody,
                          now: Date(timeIntervalSince1970: 1531420618 + 301)) == .expired)
    #expect(signer.verify(signature: documentedSignature, timestamp: documentedTimestamp, body: documentedBody,
                          now: Date(timeIntervalSince1970: 1531420618 - 301)) == .expired)
    // Malformed: no scheme, short, not hex, no timestamp.
    #expect(signer.verify(signature: String(documentedSignature.dropFirst(3)), timestamp: documentedTimestamp, body: documentedBody, now: then) == .malformed)
    #expect(signer.verify(signature: "v0=abcd", timestamp: documentedTimestamp, body: documentedBody, now: then) == .malformed)
    #expect(signer.verify(signature: "v0=" + String(repeating: "zz", count: 32), timestamp: documentedTimestamp, body: documentedBody, now: then) == .malformed)
    #expect(signer.verify(signature: documentedSignature, timestamp: "yesterday", body: documentedBody, now: then) == .malformed)
    #expect(signer.verify(signature: nil, timestamp: documentedTimestamp, body: documentedBody, now: then) == .missing)
    #expect(signer.verify(signature: documentedSignature.uppercased().replacingOccurrences(of: "V0=", with: "v0="), timestamp: documentedTimestamp,
                          body: documentedBody, now: then) == .valid, "hex digits in either case")
}
