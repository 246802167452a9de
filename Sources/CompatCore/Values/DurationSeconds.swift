extension Duration {
    /// The duration in seconds as a `Double`, for metrics, logs and C timeouts (the inverse of the
    /// standard library's `Duration.seconds(_: Double)`).
    public var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
