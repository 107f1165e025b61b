// The deployment builds from what it copies: compose/Dockerfile copies every directory Package.swift builds from, and
// compose/docker-compose.yml runs exactly the executables Package.swift makes. (No Docker on these machines: this reads
// the files.)
import Foundation
import Testing

@Suite struct DeploymentFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func read(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }

    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func theDockerfileCopiesEveryDirectoryPackageSwiftBuildsFrom() throws {
        let package = try Self.read("Package.swift")
        // Explicit paths, and test targets without one (SwiftPM's default: Tests/{name}).
        var paths = try Self.matches(#"path:\s*"([^"]+)""#, in: package)
        paths += try Self.matches(#"\.testTarget\(name:\s*"([^"]+)"(?:(?!path:)[^)])*\)"#, in: package).map { "Tests/\($0)" }
        #expect(paths.count > 10, "Package.swift should name its target paths: \(paths)")
        let dockerfile = try Self.read("compose/Dockerfile")
        let copied = try Self.matches(#"(?m)^COPY\s+(?!--)(\S+)\s"#, in: dockerfile)
        for path in paths {
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "\(path) does not exist")
            let top = String(path.split(separator: "/").first ?? "")
            #expect(copied.contains(top) || copied.contains(path), "compose/Dockerfile does not copy \(path) (copies \(copied))")
        }
        // Not a target's directory, but Contracts is generated from it.
        #expect(copied.contains("docs/asyncapi.yaml") || copied.contains("docs"), "compose/Dockerfile does not copy docs/asyncapi.yaml")
        let ignored = try Self.read("compose/Dockerfile.dockerignore").split(separator: "\n").map(String.init)
        for path in paths {
            let top = String(path.split(separator: "/").first ?? "")
            #expect(!ignored.contains(top) && !ignored.contains(path), "\(path) is in the .dockerignore")
        }
    }

    @Test func composeRunsExactlyTheServicesThatExist() throws {
        let package = try Self.read("Package.swift")
        let executables = Set(try Self.matches(#"\.executable\(name:\s*"([^"]+)""#, in: package)).subtracting(["bench"])
        let compose = try Self.read("compose/docker-compose.yml")
        // The keys of the top-level `services:` mapping (two-space indent, up to the next top-level key).
        let block = compose.components(separatedBy: "\nservices:\n").last?.components(separatedBy: "\nvolumes:").first ?? ""
        let services = Set(try Self.matches(#"(?m)^  ([a-z][a-z-]*):\s*$"#, in: block)).subtracting(["mosquitto"])
        #expect(services == executables, "compose runs \(services.sorted()), Package.swift makes \(executables.sorted())")
        let dockerfile = try Self.read("compose/Dockerfile")
        for executable in executables {
            #expect(dockerfile.contains(" \(executable) ") || dockerfile.contains(" \(executable);"), "the image does not ship \(executable)")
        }
    }
}
