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
        // Written straight into one string: a log line per admission is on the request path.
        var line = #"{"time":""# + Self.timestamp() + #"","level":"#
        JSONValue.writeQuoted(event.level.rawValue, to: &line)
        line += #","logger":"#
        JSONValue.writeQuoted(label, to: &line)
        line += #","message":"#
        JSONValue.writeQuoted(event.message.description, to: &line)
        let merged = metadata.isEmpty ? event.metadata ?? [:] : metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() where !Self.reservedKeys.contains(key) {
            guard let value = merged[key] else { continue }
            line += ","
            JSONValue.writeQuoted(key, to: &line)
            line += ":"
            switch value {
            case .string(let text): JSONValue.writeQuoted(text, to: &line)
            case .stringConvertible(let convertible): JSONValue.writeQuoted(convertible.description, to: &line)
            case .array, .dictionary: line += Self.json(value).serialized()
            }
        }
        line += "}\n"
        sink.write(line)
    }

    private static let reservedKeys: Set<String> = ["time", "level", "logger", "message"]

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
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        // Assembled by hand: a C format string costs more than the rest of the line.
        return digits(Int(parts.tm_year) + 1900, 4) + "-" + digits(Int(parts.tm_mon) + 1, 2) + "-" + digits(Int(parts.tm_mday), 2)
            + "T" + digits(Int(parts.tm_hour), 2) + ":" + digits(Int(parts.tm_min), 2) + ":" + digits(Int(parts.tm_sec), 2)
            + "." + digits(Int(now.tv_nsec / 1_000_000), 3) + "Z"
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
