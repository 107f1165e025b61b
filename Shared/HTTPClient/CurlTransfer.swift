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
        // Byte-wise: Foundation's trimmingCharacters(in:) was 5 % of the webhook gateway's CPU (profiled).
        let line = CurlTransfer.trimmed(bytes[...])
        // A status line starts a new response (after a 1xx): only the final one's headers count.
        if line.starts(with: CurlTransfer.statusPrefix) {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let nameBytes = CurlTransfer.trimmed(line[..<colon])
        guard !nameBytes.isEmpty else { return }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: nameBytes), as: UTF8.self).lowercased()
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: CurlTransfer.trimmed(line[(colon + 1)...])), as: UTF8.self)
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
    }

    private static let statusPrefix = Array("HTTP/".utf8)

    /// Without leading and trailing spaces, tabs, CR and LF (all a header line can carry around its parts).
    static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}
