extension Duration {
    /// The duration as a number of seconds, for results, logs and progress estimates.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in milliseconds (selection latencies).
    public var milliseconds: Double { seconds * 1000 }
}
