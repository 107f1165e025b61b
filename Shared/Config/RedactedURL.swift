// A URL as a configuration error may show it: credentials, path and query replaced, since webhook and broker URLs carry tokens.
import Foundation

public enum RedactedURL {
    /// `https://hooks.example.test/***` for `https://hooks.example.test/services/T0/B0/secret`,
    /// `mqtt://***@broker:1883` for `mqtt://user:pass@broker:1883`. Scheme, host and port stay: they are what an
    /// operator needs to find the entry, and they are not secret. Text that does not parse as a URL with a host shows
    /// only its scheme, if any, and its length.
    public static func describe(_ text: String) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              let host = components.host, !host.isEmpty else {
            let scheme = text.range(of: "://").map { String(text[..<$0.lowerBound].prefix(10)) + "://" } ?? ""
            return "\(scheme)… (\(text.count) characters, not shown)"
        }
        var shown = "\(scheme)://"
        if components.user != nil || components.password != nil { shown += "***@" }
        shown += host
        if let port = components.port { shown += ":\(port)" }
        if !components.path.isEmpty && components.path != "/" { shown += "/***" }
        if components.query != nil { shown += "?***" }
        if components.fragment != nil { shown += "#***" }
        return shown
    }
}
