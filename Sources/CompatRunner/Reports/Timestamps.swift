import Foundation

/// Times as results documents write them: UTC, ISO 8601 with milliseconds (`2026-12-06T17:02:03.123Z`).
public enum Timestamps {
    public static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
