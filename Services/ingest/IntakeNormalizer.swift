// Turns one intake payload (native, PagerDuty v2 or Alertmanager v4) into alerts, or says exactly why not.
import Contracts
import Foundation

public struct IntakeNormalizer: Sendable {
    public var maxPayloadBytes: Int

    public init(maxPayloadBytes: Int) { self.maxPayloadBytes = maxPayloadBytes }

    public func normalize(_ payload: Data) -> Result<[AlertIntake], IntakeRejection> {
        // Refused before parsing: an oversize payload costs nothing but its length.
        guard payload.count <= maxPayloadBytes else {
            return .failure(IntakeRejection(.oversize, "payload is \(payload.count) bytes, over the limit of \(maxPayloadBytes)"))
        }
        do throws(IntakeRejection) {
            let object = try JSONFields.object(from: payload)
            if AlertmanagerShape.matches(object) { return .success(try AlertmanagerShape.parse(object).map(Self.clean)) }
            if PagerDutyShape.matches(object) { return .success([Self.clean(try PagerDutyShape.parse(object))]) }
            return .success([Self.clean(try NativeShape.parse(object))])
        } catch {
            return .failure(error)
        }
    }

    static func clean(_ intake: AlertIntake) -> AlertIntake {
        var intake = intake
        intake.summary = intake.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        if intake.summary.count > IntakeDefaults.maxSummaryLength {
            intake.summary = String(intake.summary.prefix(IntakeDefaults.maxSummaryLength))
        }
        return intake
    }

    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "unreadable" }
        switch error {
        case .dataCorrupted(let context): return context.underlyingError.map { "\($0)".prefix(120).description } ?? context.debugDescription
        default: return "unreadable"
        }
    }
}
