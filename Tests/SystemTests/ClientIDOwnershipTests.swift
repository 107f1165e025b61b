// Client ids belong to accounts: no device or person can present a service's client id (or another account's) on
// any listener of the production broker, and take over its session.
import Foundation
import MQTT
import Testing
import TestSupport

@Suite(.serialized) struct ClientIDOwnershipTests {
    @Test(.timeLimit(.minutes(2)))
    func aDeviceOrPersonPresentingAServicesClientIDIsRefusedOrRenamedAndTheServiceStaysConnected() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        let serviceID = "alerting-ingest-0-of-1"
        // Ingest as in production: a persistent session with its fixed client id, on the services listener.
        let ingest = try AccountClient(broker, account: "ingest", subscriptions: ["alerting/in/#"], clientID: serviceID, cleanSession: false)
        try await ingest.client.waitUntilConnected(timeout: 10)
        #expect(ingest.connectCount == 1)

        let ca = broker.certificates.appendingPathComponent("ca.crt")
        var attempt = 0
        for account in ["acme", "acme.alice"] {
            // The services listener knows no device or person: refused before any session is looked at.
            let onServices = try broker.mosquittoPub(account: account, port: broker.port, clientID: serviceID,
                                                     topic: "alerting/in/acme/intruder-\(attempt)")
            #expect(onServices.status != 0, "\(account) logged in on the services listener: \(onServices.output)")
            #expect(onServices.output.lowercased().contains("not authori"), "\(onServices.output)")
            attempt += 1
            // The clients listeners (plain and TLS) take the account but not the client id: it becomes the account name.
            for (port, tls) in [(broker.clientsPort, nil), (broker.tlsPort, ca)] as [(Int, URL?)] {
                let onClients = try broker.mosquittoPub(account: account, port: port, clientID: serviceID,
                                                        topic: "alerting/in/acme/intruder-\(attempt)", tlsCAFile: tls)
                #expect(onClients.status == 0, "\(account) on \(port): \(onClients.output)")
                attempt += 1
            }
        }
        // Another account's client id is no better: globex presenting acme's keeps its own.
        let device = try AccountClient(broker, account: "acme", clientID: "whatever-acme-asks-for", cleanSession: false)
        try await device.client.waitUntilConnected(timeout: 10)
        let other = try broker.mosquittoPub(account: "globex", port: broker.clientsPort, clientID: "acme", topic: "alerting/in/globex/x")
        #expect(other.status == 0, "\(other.output)")

        // Barrier: published by the device after every attempt above, received by ingest on its own session.
        device.publish("alerting/in/acme/barrier", "barrier")
        try await device.flush()
        let deadline = Date().addingTimeInterval(10)
        while !ingest.messages.contains(where: { $0.topic == "alerting/in/acme/barrier" }), Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(ingest.messages.contains { $0.topic == "alerting/in/acme/barrier" })
        // Never disconnected: a takeover would have closed ingest's connection and made it connect again.
        #expect(ingest.connectCount == 1)
        #expect(ingest.client.isConnected)
        #expect(device.connectCount == 1, "globex presenting acme's client id must not take over acme's session")
        // The intruders that were let in published as themselves: acme's intake arrived, alice's was denied by the ACL.
        let intake = Set(ingest.messages.map(\.topic))
        #expect(intake.contains("alerting/in/acme/intruder-1") && intake.contains("alerting/in/acme/intruder-2"))
        #expect(!intake.contains("alerting/in/acme/intruder-4") && !intake.contains("alerting/in/acme/intruder-5"))
        let log = (try? String(contentsOf: broker.directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
        #expect(!log.contains("already connected, closing old connection"), "a session was taken over")
        [ingest, device].forEach { $0.stop() }
        broker.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func servicesCannotLogInWhereClientIDsAreTiedToAccountsNorOthersOnTheServicesListener() async throws {
        let broker = try await offThePool { try ProductionBroker() }
        let ingestOnClients = try broker.mosquittoPub(account: "ingest", port: broker.clientsPort, clientID: "x", topic: "alerting/events/acme/a")
        #expect(ingestOnClients.status != 0 && ingestOnClients.output.lowercased().contains("not authori"), "\(ingestOnClients.output)")
        let opsOnServices = try broker.mosquittoPub(account: "ops", port: broker.port, clientID: "alerting-router-0-of-1", topic: "alerting/status/x")
        #expect(opsOnServices.status != 0 && opsOnServices.output.lowercased().contains("not authori"), "\(opsOnServices.output)")
        broker.stop()
    }
}
