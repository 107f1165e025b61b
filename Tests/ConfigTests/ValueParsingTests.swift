// Durations, times of day and secrets as the file and the environment spell them.
import Config
import Contracts
import Testing

@Suite struct ValueParsingTests {
    @Test(arguments: [
        ("90s", 90.0), ("15m", 900), ("2h", 7200), ("7d", 604_800), ("1w", 604_800), ("1h30m", 5400),
        ("0m", 0), ("45", 45), ("1.5h", 5400), ("-5m", -300),
    ])
    func durationParses(_ text: String, _ seconds: Double) {
        #expect(ConfigDuration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "soon", "5 minutes", "m", "5x", "-", "1h-"])
    func durationRejects(_ text: String) {
        #expect(ConfigDuration(parsing: text) == nil)
    }

    @Test func durationPrintsItsShortestForm() {
        #expect(ConfigDuration.minutes(120).description == "2h")
        #expect(ConfigDuration.seconds(90).description == "90s")
        #expect(ConfigDuration.days(7).description == "7d")
        #expect(ConfigDuration.zero.description == "0s")
        #expect(ConfigDuration.minutes(15).duration == .seconds(900))
    }

    @Test func timeOfDay() {
        #expect(TimeOfDay(parsing: "09:30")?.minutes == 570)
        #expect(TimeOfDay(parsing: "24:00")?.minutes == 1440)
        #expect(TimeOfDay(parsing: "24:01") == nil)
        #expect(TimeOfDay(parsing: "9:30") == nil)
        #expect(TimeOfDay(parsing: "12:60") == nil)
        #expect(TimeOfDay(hour: 9, minute: 5)?.description == "09:05")
    }

    @Test func secretsComeFromTheEnvironment() {
        let environment = ["SET": "s3cret", "EMPTY": ""]
        #expect(secret(named: "SET", environment: environment) == "s3cret")
        #expect(secret(named: "EMPTY", environment: environment) == nil)
        #expect(secret(named: "UNSET", environment: environment) == nil)
        #expect(secret(named: nil, environment: environment) == nil)
    }

    @Test func severityOrder() {
        #expect(Severity.critical > .error && Severity.error > .warning && Severity.warning > .info)
    }
}
