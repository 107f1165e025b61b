// One HTTP request from a test, made on its own thread so the blocking client never holds a cooperative thread.
import Foundation
import HTTPClient

public enum HTTPProbe {
    public static func get(_ url: String) async -> (status: Int, body: String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let result = HTTPClient().perform(HTTPRequest(method: "GET", url: url, timeout: 5))
                switch result {
                case .success(let response): continuation.resume(returning: (response.status, String(decoding: response.body, as: UTF8.self)))
                case .failure(let error): continuation.resume(returning: (0, "\(error)"))
                }
            }
        }
    }

    public static func post(_ url: String, headers: [(name: String, value: String)] = [], body: Data) async -> (status: Int, body: String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let result = HTTPClient().perform(HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: 5))
                switch result {
                case .success(let response): continuation.resume(returning: (response.status, String(decoding: response.body, as: UTF8.self)))
                case .failure(let error): continuation.resume(returning: (0, "\(error)"))
                }
            }
        }
    }
}
