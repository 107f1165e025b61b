// Action tokens: genuine ones verify with their claims; tampered, foreign and expired ones do not.
import Contracts
import Directory
import Foundation
import Testing

private let issued = ExampleDirectory.date("2026-11-02T10:00:00Z")
private let claims = ActionToken.Claims(tenant: "acme", alertId: "a1", user: "alice", action: .acknowledge,
                                        expiresAt: issued.addingTimeInterval(ActionToken.defaultTTL), nonce: "n1")

@Test func aSignedTokenVerifiesWithItsClaims() throws {
    let token = ActionToken.sign(claims, secret: "k")
    #expect(try ActionToken.verify(token, secret: "k", now: issued.addingTimeInterval(3600)) == claims)
    #expect(!token.contains("/") && !token.contains("+") && !token.contains("="), "safe in a URL path")
}

@Test func forgedExpiredAndMalformedTokensFail() {
    let token = ActionToken.sign(claims, secret: "k")
    var other = claims
    other.action = .resolve
    let forged = ActionToken.sign(other, secret: "k").split(separator: ".")[0] + "." + token.split(separator: ".")[1]
    let table: [(String, String, Date, ActionToken.Failure.Code)] = [
        (token, "other", issued, .badSignature),
        (String(forged), "k", issued, .badSignature),
        (token, "k", issued.addingTimeInterval(ActionToken.defaultTTL), .expired),
        ("garbage", "k", issued, .malformed),
        ("a.b", "k", issued, .malformed),
    ]
    for (text, secret, now, code) in table {
        #expect(throws: ActionToken.Failure.self) { try ActionToken.verify(text, secret: secret, now: now) }
        do {
            _ = try ActionToken.verify(text, secret: secret, now: now)
        } catch {
            #expect(error.code == code, "\(text)")
        }
    }
}

@Test func everyTokenIsUnique() {
    #expect(ActionToken.makeNonce() != ActionToken.makeNonce())
}
