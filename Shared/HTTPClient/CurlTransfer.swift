// What curl's callbacks collect during one transfer: the body and the final response's headers.
import Foundation

final class CurlTransfer {
    private(set) var body = Data()
    private(set) var headers: [String: String] = [:]
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        let room = limit - body.count
        guard room > 0 else { return }
        body.append(contentsOf: bytes.prefix(room))
    }

    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // A status line starts a new response (after a 1xx): only the final one's headers count.
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return }
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
    }
}
