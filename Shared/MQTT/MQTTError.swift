// The one place libmosquitto return codes become Swift errors.
internal import CMosquitto
import Foundation

public struct MQTTError: Error, Sendable, CustomStringConvertible {
    /// A libmosquitto `mosq_err_t` value (MOSQ_ERR_INVAL for bad settings, MOSQ_ERR_TIMEOUT for waits).
    public let code: Int32
    public let message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// `context` says what was being done; errno is read right away, before anything overwrites it.
    init(rc: Int32, context: String) {
        self.init(code: rc, message: "\(context): \(MQTTError.reason(rc))")
    }

    static func reason(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue {
            return String(cString: strerror(errno))
        }
        return String(cString: mosquitto_strerror(rc))
    }

    public var description: String { "MQTT error \(code): \(message)" }
}

/// Throws an MQTTError unless `rc` is MOSQ_ERR_SUCCESS.
func check(_ rc: Int32, _ context: @autoclosure () -> String) throws {
    if rc != MOSQ_ERR_SUCCESS.rawValue {
        throw MQTTError(rc: rc, context: context())
    }
}
