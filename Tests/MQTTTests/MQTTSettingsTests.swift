// Broker URL parsing.
import MQTT
import Testing

@Suite struct MQTTSettingsTests {
    @Test func parsesHostAndPort() throws {
        let settings = try MQTTSettings.parse(url: "mqtt://broker.local:1884", clientID: "ingest")
        #expect(settings.host == "broker.local")
        #expect(settings.port == 1884)
        #expect(settings.clientID == "ingest")
        #expect(settings.username == nil)
        #expect(settings.password == nil)
        #expect(settings.cleanSession == false)
    }

    @Test func portDefaultsTo1883() throws {
        #expect(try MQTTSettings.parse(url: "mqtt://broker", clientID: "x").port == 1883)
        #expect(try MQTTSettings.parse(url: "mqtt://broker/", clientID: "x").port == 1883)
    }

    @Test func readsCredentials() throws {
        let settings = try MQTTSettings.parse(url: "mqtt://svc:s%40cret@10.0.0.5:1999", clientID: "router")
        #expect(settings.username == "svc")
        #expect(settings.password == "s@cret")
        #expect(settings.host == "10.0.0.5")
        #expect(settings.port == 1999)
        #expect(!settings.endpoint.contains("s@cret"))
    }

    @Test func mqttsTurnsOnTLSWithHostnameVerificationOnPort8883() throws {
        let settings = try MQTTSettings.parse(url: "mqtts://broker.example.test", clientID: "x")
        #expect(settings.port == 8883)
        #expect(settings.tls == MQTTTLS(caFile: nil, certFile: nil, keyFile: nil, verifyHostname: true))
        #expect(settings.endpoint == "mqtts://broker.example.test:8883")
        #expect(try MQTTSettings.parse(url: "mqtt://broker", clientID: "x").tls == nil)
    }

    @Test(arguments: ["http://broker:1883", "broker:1883", "mqtt://", "mqtt://broker:0", "mqtt://broker:1883/topic",
                      "mqtt://broker?x=1", "", "ws://broker", "mqtts://broker/x"])
    func rejectsOtherURLs(_ url: String) {
        #expect(throws: MQTTError.self) { try MQTTSettings.parse(url: url, clientID: "x") }
    }
}
