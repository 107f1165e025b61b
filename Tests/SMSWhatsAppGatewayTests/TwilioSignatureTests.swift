// Twilio's request signature against Twilio's documented example, and forged variants.
import Foundation
import SMSWhatsAppGateway
import Testing

@Suite struct TwilioSignatureTests {
    /// https://www.twilio.com/docs/usage/security#validating-requests
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
                             ("To", "+18005551212")]
    static let documented = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    let signature = TwilioSignature(authToken: "12345")

    @Test func matchesTwilioDocumentedExample() {
        #expect(signature.sign(url: Self.url, parameters: Self.parameters) == Self.documented)
        #expect(signature.verify(url: Self.url, parameters: Self.parameters, signature: Self.documented))
    }

    @Test func parameterOrderDoesNotMatter() {
        #expect(signature.verify(url: Self.url, parameters: Self.parameters.reversed(), signature: Self.documented))
    }

    @Test func forgedVariantsAreRefused() {
        var changedValue = Self.parameters
        changedValue[2].1 = "1235"
        #expect(!signature.verify(url: Self.url, parameters: changedValue, signature: Self.documented))
        #expect(!signature.verify(url: Self.url, parameters: Self.parameters + [("Body", "ACK")], signature: Self.documented))
        #expect(!signature.verify(url: "https://mycompany.com/myapp.php?foo=1&bar=3", parameters: Self.parameters, signature: Self.documented))
        #expect(!signature.verify(url: "http://mycompany.com/myapp.php?foo=1&bar=2", parameters: Self.parameters, signature: Self.documented))
        #expect(!TwilioSignature(authToken: "12346").verify(url: Self.url, parameters: Self.parameters, signature: Self.documented))
        #expect(!signature.verify(url: Self.url, parameters: Self.parameters, signature: ""))
        #expect(!signature.verify(url: Self.url, parameters: Self.parameters, signature: String(Self.documented.dropLast())))
        #expect(!signature.verify(url: Self.url, parameters: Self.parameters, signature: "1/KCTR6DLpKmkAf8muzZqo1nDgQ="))
    }
}
