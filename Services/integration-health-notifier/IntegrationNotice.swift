// One notification about an integration, before it is addressed to admins: what it says and where it links.

public struct IntegrationNotice: Sendable, Equatable {
    public var kind: HealthEventKind
    public var category: PreferenceCategory
    public var type: NotificationType
    public var title: String
    public var message: String
    /// The page path under the integration's link (`""`, `/test`, `/credentials`, `/sync/{task}`, `/configure`).
    public var linkSuffix: String
    /// What makes two notices "the same" for flap damping (together with the integration).
    public var dampingKey: String

    public init(kind: HealthEventKind, category: PreferenceCategory, type: NotificationType, title: String, message: String,
                linkSuffix: String, dampingKey: String) {
        self.kind = kind
        self.category = category
        self.type = type
        self.title = title
        self.message = message
        self.linkSuffix = linkSuffix
        self.dampingKey = dampingKey
    }
}
