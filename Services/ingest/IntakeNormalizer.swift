// Turns one intake payload (native, PagerDuty v2 or Alertmanager v4) into alerts, or says exactly why not.
import Contracts
import Foundation

public struct IntakeNormalizer: Sendable {
    public var maxPayloadBytes: Int

    public init(maxPayloadBytes: Int) { self.maxPayloadBytes = maxPayloadBytes }

    public func normalize(_ payload: Data) -> Result<[AlertIntake], MessageRejection> {
        // Refused before parsing: an oversize payload costs nothing but its length.
        guard payload.count <= maxPayloadBytes else {
            return .failure(MessageRejection(.oversize, "payload is \(payload.count) bytes, over the limit of \(maxPayloadBytes)"))
        }
        do throws(MessageRejection) {
            let object = try JSONFields.object(from: payload)
            if AlertmanagerShape.matches(object) {
                var intakes: [AlertIntake] = []
                for (index, intake) in try AlertmanagerShape.parse(object).enumerated() {
                    intakes.append(try Self.clean(intake, dedupKeyField: "alerts[\(index)].fingerprint",
                                                  summaryField: "alerts[\(index)].annotations.summary"))
                }
                return .success(intakes)
            }
            if PagerDutyShape.matches(object) {
                return .success([try Self.clean(try PagerDutyShape.parse(object), dedupKeyField: "dedup_key", summaryField: "payload.summary")])
            }
            return .success([try Self.clean(try NativeShape.parse(object), dedupKeyField: "dedup_key", summaryField: "summary")])
        } catch {
            return .failure(error)
        }
    }

    /// Trims the summary and refuses a dedup key or summary over PagerDuty's limits: an alert that would be cut here
    /// would be cut differently by every system it is forwarded to, and a huge dedup key is an index entry per alert.
    static func clean(_ intake: AlertIntake, dedupKeyField: String, summaryField: String) throws(MessageRejection) -> AlertIntake {
        var intake = intake
        intake.summary = intake.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        if intake.summary.count > IntakeDefaults.maxSummaryLength {
            throw MessageRejection(.tooLong, "summary is \(intake.summary.count) characters, over the limit of \(IntakeDefaults.maxSummaryLength)",
                                  field: summaryField)
        }
        if let key = intake.dedupKey, key.count > IntakeDefaults.maxDedupKeyLength {
            throw MessageRejection(.tooLong, "dedup key is \(key.count) characters, over the limit of \(IntakeDefaults.maxDedupKeyLength)",
                                  field: dedupKeyField)
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
