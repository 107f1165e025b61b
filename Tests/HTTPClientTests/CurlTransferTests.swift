// Header lines as curl hands them over: trimmed, names lower-cased, repeats joined, only the final response kept.
import Foundation
import Testing
@testable import HTTPClient

@Test func headerLinesAreParsedByteWise() {
    let transfer = CurlTransfer(limit: 1024)
    func feed(_ line: String) {
        let bytes = Array(line.utf8)
        bytes.withUnsafeBytes { transfer.receiveHeaderLine($0) }
    }
    feed("HTTP/1.1 100 Continue\r\n")
    feed("X-Early: gone\r\n")
    feed("\r\n")
    feed("HTTP/1.1 429 Too Many Requests\r\n")
    feed("Content-Type:   text/plain; charset=utf-8 \r\n")
    feed("Retry-After:\t7\r\n")
    feed("X-Multi: a\r\n")
    feed("x-multi: b\r\n")
    feed(" : nameless\r\n")
    feed("no colon here\r\n")
    feed("X-Empty:\r\n")
    feed("X-Ünïcode: värde\r\n")
    feed("\r\n")
    #expect(transfer.headers == [
        "content-type": "text/plain; charset=utf-8",
        "retry-after": "7",
        "x-multi": "a, b",
        "x-empty": "",
        "x-ünïcode": "värde",
    ])
}
