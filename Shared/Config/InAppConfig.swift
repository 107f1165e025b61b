// The in-app inbox channel: how many items its retained snapshot keeps.

public struct InAppConfig: Sendable, Equatable, Codable {
    public var keepLatest: Int

    public init(keepLatest: Int = 10) { self.keepLatest = keepLatest }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keepLatest = "keep_latest"
    }

    public init(from decoder: any Decoder) throws {
        let r = try FieldReader(decoder, keys: CodingKeys.self)
        keepLatest = try r.value(.keepLatest, default: 10)
    }
}
