// A real local SMTP server for the tests (Debian's python3-aiosmtpd behind Tests/TestSupport/smtp_recorder.py): records
// every accepted message, answers scripted replies, offers STARTTLS or implicit TLS with a certificate the test makes.
import Foundation
import Harness

public final class SMTPRecorder: @unchecked Sendable {
    /// One message the server accepted, as the recorder parsed it.
    public struct Mail: Sendable, Decodable {
        public let mailFrom: String
        public let rcptTos: [String]
        public let tls: Bool
        public let auth: String?
        public let headers: [[String]]
        public let parts: [Part]
        public let raw: String

        public struct Part: Sendable, Decodable {
            public let type: String
            public let text: String
        }

        enum CodingKeys: String, CodingKey {
            case tls, auth, headers, parts, raw
            case mailFrom = "mail_from"
            case rcptTos = "rcpt_tos"
        }

        /// The header's (unfolded, decoded) value; nil when absent.
        public func header(_ name: String) -> String? {
            headers.first { $0.first?.lowercased() == name.lowercased() }.map { $0[1] }
        }

        public var headerNames: [String] { headers.map { $0[0] } }
        public var messageID: String? { header("Message-ID") }
        public func part(_ type: String) -> String? { parts.first { $0.type == type }?.text }
    }

    /// A scripted reply: the first `times` commands at `stage` ("mail", "rcpt", "data") whose address contains `match`.
    public struct Rule: Sendable, Encodable {
        public var stage: String
        public var match: String
        public var code: Int
        public var text: String
        public var times: Int
        public init(stage: String, match: String = "", code: Int, text: String, times: Int = 1) {
            self.stage = stage
            self.match = match
            self.code = code
            self.text = text
            self.times = times
        }
    }

    public enum Security: Sendable {
        case plain
        /// `smtp://` with STARTTLS required by the server.
        case starttls
        /// `smtps://`: TLS from the first byte.
        case implicitTLS
    }

    public let port: Int
    public let directory: URL
    /// The CA that signed the server's certificate (for `ca_file`), when the server speaks TLS.
    public let caFile: URL?
    private let output: URL
    private let process: ChildProcess

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_recorder.py")
    static let python = "/usr/bin/python3"

    /// - Parameters:
    ///   - delay: seconds the server takes over each message before accepting it.
    ///   - port: where to listen (default: a free port).
    public init(directory: URL, security: Security = .plain, auth: (user: String, password: String)? = nil, rules: [Rule] = [],
                delay: Double = 0, port: Int? = nil) throws {
        try Self.checkInstalled()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.port = port ?? MosquittoBroker.freePort()
        output = directory.appendingPathComponent("mail.jsonl")
        var arguments = [Self.script.path, "--port", String(self.port), "--out", output.path,
                         "--rules", String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)]
        if security != .plain {
            let certs = directory.appendingPathComponent("certs")
            try Self.run("/bin/bash", [Self.root.appendingPathComponent("broker/make-certs.sh").path, "127.0.0.1", certs.path],
                         log: directory.appendingPathComponent("make-certs.log"))
            caFile = certs.appendingPathComponent("ca.crt")
            arguments += [security == .starttls ? "--starttls" : "--implicit-tls", certs.appendingPathComponent("server.crt").path,
                          certs.appendingPathComponent("server.key").path]
        } else {
            caFile = nil
        }
        if let auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        if delay > 0 { arguments += ["--delay", String(delay)] }
        let log = directory.appendingPathComponent("smtp.log")
        process = try ChildProcess(executable: Self.python, arguments: arguments, output: log.path)
        let deadline = Date().addingTimeInterval(20)
        while !((try? String(contentsOf: log, encoding: .utf8))?.contains("READY") ?? false) {
            guard process.isRunning, Date() < deadline else {
                process.stop(signal: SIGKILL, timeout: 5)
                throw ChildProcessError(message: "the test SMTP server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            usleep(20_000)
        }
    }

    /// The SMTP URL of this server, with credentials when given.
    public func url(user: String? = nil, password: String? = nil, implicitTLS: Bool = false) -> String {
        let credentials = user.map { "\($0):\(password ?? "")@" } ?? ""
        return "\(implicitTLS ? "smtps" : "smtp")://\(credentials)127.0.0.1:\(port)"
    }

    /// Every message accepted so far, in order.
    public var mails: [Mail] {
        guard let text = try? String(contentsOf: output, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Mail.self, from: Data($0.utf8)) }
    }

    public func mails(to address: String) -> [Mail] { mails.filter { $0.rcptTos.contains(address) } }

    /// Waits until `count` messages were accepted (polling the record file); throws after `timeout` seconds.
    @discardableResult
    public func waitForMails(_ count: Int, timeout: Double = 20, where predicate: (Mail) -> Bool = { _ in true }) async throws -> [Mail] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let found = mails.filter(predicate)
            if found.count >= count { return found }
            guard Date() < deadline else {
                throw ChildProcessError(message: "the SMTP server accepted \(found.count) of \(count) expected messages in \(timeout) s")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    public func stop() {
        process.stop(signal: SIGKILL, timeout: 5)
    }

    deinit { process.stop(signal: SIGKILL, timeout: 5) }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func checkInstalled() throws {
        let probe = try ChildProcess(executable: python, arguments: ["-c", "import aiosmtpd"], output: nil)
        while probe.isRunning { usleep(10_000) }
        guard probe.exitCode == 0 else {
            throw ChildProcessError(message: "the e-mail tests need Debian's python3-aiosmtpd for their SMTP server: apt-get install -y python3-aiosmtpd (scripts/test installs it)")
        }
    }

    static func run(_ executable: String, _ arguments: [String], log: URL) throws {
        let child = try ChildProcess(executable: executable, arguments: arguments, output: log.path)
        while child.isRunning { usleep(10_000) }
        guard child.exitCode == 0 else {
            throw ChildProcessError(message: "\(executable) \(arguments) failed: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }
}
