import CompatCore
@testable import CompatWebhook
import Foundation
import Logging
import Testing

/// The webhook's log lines are what log collectors parse: one JSON object per line, fixed members first.
@Suite struct JSONLineLogHandlerTests {
    /// Logs one event through a pipe and returns the line written.
    private func line(level: Logger.Level = .info, _ message: Logger.Message, metadata: Logger.Metadata) throws -> String {
        let pipe = Pipe()
        let sink = LineSink(handle: pipe.fileHandleForWriting)
        var logger = Logger(label: "compat-webhook") { label in JSONLineLogHandler(label: label, level: .info, sink: sink) }
        logger[metadataKey: "replica"] = "a"
        logger.log(level: level, message, metadata: metadata)
        try pipe.fileHandleForWriting.close()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test func aLineIsOneJSONObjectWithTheFixedMembersFirstAndMetadataSorted() throws {
        let text = try line("admission allowed", metadata: ["uid": "705ab4f5", "decision": "mutated", "latencyMs": "0.412"])
        #expect(text.hasSuffix("}\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
        let value = try JSONParser().parse(String(text.dropLast()))
        #expect(value.objectValue?.keys == ["time", "level", "logger", "message", "decision", "latencyMs", "replica", "uid"])
        #expect(value["level"] == .string("info"))
        #expect(value["logger"] == .string("compat-webhook"))
        #expect(value["message"] == .string("admission allowed"))
        #expect(value["decision"] == .string("mutated"))
        #expect(value["replica"] == .string("a"))
    }

    @Test func quotesNewlinesAndControlCharactersAreEscaped() throws {
        let text = try line(level: .warning, "bad \"review\"\nsecond line", metadata: ["error": "tab\there \u{1}"])
        #expect(!text.dropLast().contains("\n"))
        let value = try JSONParser().parse(String(text.dropLast()))
        #expect(value["message"] == .string("bad \"review\"\nsecond line"))
        #expect(value["error"] == .string("tab\there \u{1}"))
        #expect(value["level"] == .string("warning"))
    }

    @Test func nestedMetadataBecomesJSONArraysAndObjects() throws {
        let text = try line("x", metadata: ["images": ["a", "b"], "selector": ["zone": "1a", "arch": "arm64"]])
        let value = try JSONParser().parse(String(text.dropLast()))
        #expect(value["images"] == .array([.string("a"), .string("b")]))
        #expect(value["selector"]?.objectValue?.keys == ["arch", "zone"])
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        let stamp = JSONLineLogHandler.timestamp()
        #expect(stamp.utf8.count == 24)
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }
}
