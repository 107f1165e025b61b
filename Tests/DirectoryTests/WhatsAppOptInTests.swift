// WhatsApp is opt-in: a `whatsapp` number, or `whatsapp` in the user's own channels; a phone alone never gets WhatsApp.
import Config
import Contracts
import Directory
import Foundation
import Testing

@Suite struct WhatsAppOptInTests {
    static let config: AlertingConfig = {
        do {
            return try ExampleDirectory.custom("""
                  - id: t1
                    users:
                      - {id: phoneonly, roles: [admin], phone: "+15550000001", channels: [sms]}
                      - {id: listed, phone: "+15550000002", channels: [whatsapp, sms]}
                      - {id: ownnumber, phone: "+15550000003", whatsapp: "+15550000033", channels: [sms]}
                      - {id: defaults, phone: "+15550000004"}
                """)
        } catch { fatalError("\(error)") }
    }()

    func user(_ id: String) -> User { Self.config.tenant(id: "t1")!.users.first { $0.id == id }! }

    @Test func aPhoneAloneIsNoWhatsAppAddress() {
        #expect(user("phoneonly").address(for: .whatsapp) == nil)
        #expect(user("defaults").address(for: .whatsapp) == nil)
        #expect(user("phoneonly").address(for: .sms) == "+15550000001")
    }

    @Test func listingWhatsAppOptsThePhoneIn() {
        #expect(user("listed").address(for: .whatsapp) == "+15550000002")
        #expect(user("listed").effectiveChannels == [.whatsapp, .sms])
    }

    @Test func aWhatsAppNumberIsUsedEvenWhenNotListed() {
        #expect(user("ownnumber").address(for: .whatsapp) == "+15550000033")
    }

    @Test func aStepThatAsksForWhatsAppReachesOnlyThoseWhoOptedIn() {
        let directory = TenantDirectory(tenant: Self.config.tenant(id: "t1")!, config: Self.config,
                                        environment: ExampleDirectory.allSecrets)
        let override: [ChannelName] = [.whatsapp]
        #expect(ChannelChoice.choose(for: user("phoneonly"), override: override, mode: .user, directory: directory) == nil)
        #expect(ChannelChoice.choose(for: user("defaults"), override: override, mode: .user, directory: directory) == nil)
        #expect(ChannelChoice.choose(for: user("listed"), override: override, mode: .user, directory: directory)?.channels == [.whatsapp])
        #expect(ChannelChoice.choose(for: user("ownnumber"), override: override, mode: .user, directory: directory)?.channels == [.whatsapp])
    }
}
