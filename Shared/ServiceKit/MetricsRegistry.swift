// The process-wide Prometheus registry behind /metrics, bootstrapped once (tests run several services in one process).
import Metrics
import Prometheus

public enum MetricsRegistry {
    public static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    public static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        shared.emit(into: &buffer)
        return buffer
    }
}
