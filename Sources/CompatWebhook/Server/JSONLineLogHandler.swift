import CompatCore
import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line to standard output: `time` (RFC 3339, UTC,
/// milliseconds), `level`, `logger`, `message`, then the metadata as members. Log collectors parse it
/// without patterns, and a request's `uid` becomes a field to search by.
public struct JSONLineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public let label: String
    private let sink: LineSink

    public init(label: String, level: Logger.Level, sink: LineSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [(String, JSONValue)] = [
            ("time", .string(Self.timestamp())), ("level", .string(event.level.rawValue)), ("logger", .string(label)),
            ("message", .string(event.message.description)),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() where !["time", "level", "logger", "message"].contains(key) {
            if let value = merged[key] { members.append((key, Self.json(value))) }
        }
        sink.write(JSONValue.object(JSONObject(members)).serialized() + "\n")
    }

    static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let map): .object(JSONObject(map.keys.sorted().compactMap { key in map[key].map { (key, json($0)) } }))
        }
    }

    /// `2026-11-22T21:08:07.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000)
        )
    }
}

/// Where log lines go; whole lines are written under a lock, so concurrent requests never interleave.
public final class LineSink: Sendable {
    private let handle: FileHandle
    private let lock = Mutex(())

    public init(handle: FileHandle) {
        self.handle = handle
    }

    public static let standardOutput = LineSink(handle: .standardOutput)

    func write(_ line: String) {
        lock.withLock { _ in handle.write(Data(line.utf8)) }
    }
}
