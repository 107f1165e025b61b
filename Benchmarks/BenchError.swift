// What goes wrong in a benchmark run, by kind.

struct BenchError: Error, CustomStringConvertible {
    enum Code: String { case spawn, broker, service, receiver, alertmanager, timeout }
    let code: Code
    let message: String
    var description: String { "bench \(code.rawValue): \(message)" }
}
