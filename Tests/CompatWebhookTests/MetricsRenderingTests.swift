import Testing
@testable import CompatWebhook

@Suite struct MetricsRenderingTests {
    @Test func rendersCountersAndCumulativeHistogramBuckets() {
        let metrics = WebhookMetrics()
        metrics.recordAdmission(kind: "Pod", outcome: "mutated", seconds: 0.0004)
        metrics.recordAdmission(kind: "Pod", outcome: "mutated", seconds: 0.003)
        metrics.recordAdmission(kind: "MiniCluster", outcome: "denied", seconds: 0.02)
        let text = metrics.render(now: 0)
        #expect(text.contains("compat_admission_requests_total{kind=\"Pod\",outcome=\"mutated\"} 2\n"))
        #expect(text.contains("compat_admission_requests_total{kind=\"MiniCluster\",outcome=\"denied\"} 1\n"))
        #expect(text.contains("compat_admission_duration_seconds_bucket{kind=\"Pod\",outcome=\"mutated\",le=\"0.0005\"} 1\n"))
        #expect(text.contains("compat_admission_duration_seconds_bucket{kind=\"Pod\",outcome=\"mutated\",le=\"0.005\"} 2\n"))
        #expect(text.contains("compat_admission_duration_seconds_bucket{kind=\"Pod\",outcome=\"mutated\",le=\"+Inf\"} 2\n"))
        #expect(text.contains("compat_admission_duration_seconds_count{kind=\"Pod\",outcome=\"mutated\"} 2\n"))
        #expect(text.contains("# TYPE compat_admission_duration_seconds histogram\n"))
    }

    @Test func reportsNodeCacheAgeFromLastUpdate() {
        let metrics = WebhookMetrics()
        metrics.setNodeCache(nodes: 25, lastUpdate: 1000)
        let text = metrics.render(now: 1042)
        #expect(text.contains("compat_node_cache_nodes 25\n"))
        #expect(text.contains("compat_node_cache_age_seconds 42\n"))
    }

    @Test func escapesLabelValues() {
        #expect(Labels.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }
}
