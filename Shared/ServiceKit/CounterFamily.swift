// A labelled Prometheus counter whose children are made once per label values, not once per increment: making a
// Counter goes through the metrics factory and the registry's lock and lookup, which per message is measurable.
import Metrics
import Synchronization

public final class CounterFamily: Sendable {
    public let label: String
    public let dimensionNames: [String]
    private let children = Mutex<[[String]: Counter]>([:])

    public init(_ label: String, dimensions: [String]) {
        self.label = label
        self.dimensionNames = dimensions
    }

    /// The counter for these label values, in the order of `dimensionNames` (keep them bounded).
    public func callAsFunction(_ values: String...) -> Counter {
        children.withLock { children in
            if let counter = children[values] { return counter }
            let counter = Counter(label: label, dimensions: Array(zip(dimensionNames, values)))
            children[values] = counter
            return counter
        }
    }
}
