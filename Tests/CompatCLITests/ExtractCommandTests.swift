import Foundation
import Testing

@Suite struct ExtractCommandTests {
    /// Output of a system command, read independently of `compat` to check what it reports.
    private func system(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func osReleaseField(_ key: String) throws -> String? {
        let text = try String(contentsOfFile: "/etc/os-release", encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix(key + "=") {
            return String(line.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return nil
    }

    private func attributes(_ json: String) throws -> [String: String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "CompatibilitySpec")
        var flat: [String: String] = [:]
        for group in try #require(object["compatibilities"] as? [[String: Any]]) {
            let name = try #require(group["name"] as? String)
            for (key, value) in try #require(group["attributes"] as? [String: String]) { flat[name + "." + key] = value }
        }
        return flat
    }

    @Test func describesTheRunningSystemNotTheBuild() throws {
        let result = try CommandRunner.run("compat", ["extract", "--json"])
        #expect(result.status == 0)
        let flat = try attributes(result.stdout)
        #expect(flat["org.supercontainers.os.vendor"] == (try osReleaseField("ID")))
        #expect(flat["org.supercontainers.os.version"] == (try osReleaseField("VERSION_ID")))
        #expect(flat["org.supercontainers.os.name"] == (try osReleaseField("PRETTY_NAME")))
        #expect(flat["org.supercontainers.os.glibc.version"] == (try system("/usr/bin/getconf", ["GNU_LIBC_VERSION"])).replacingOccurrences(of: "glibc ", with: ""))
        let machine = try system("/bin/uname", ["-m"])
        #expect(flat["io.archspec.cpu.family"] == machine)
        #expect(flat["org.supercontainers.hardware.gpu.available"] == (FileManager.default.fileExists(atPath: "/dev/nvidia0") ? "yes" : "no"))
        #expect(flat["io.archspec.cpu.target"] != nil)
    }

    @Test func textOutputIsMatchCriteriaForTheSameAttributes() throws {
        let text = try CommandRunner.run("compat", ["extract"])
        let json = try CommandRunner.run("compat", ["extract", "--json"])
        #expect(text.status == 0)
        var fromText: [String: String] = [:]
        for line in text.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            try #require(parts.count == 2, "not KEY=VALUE: \(line)")
            fromText[parts[0]] = parts[1]
        }
        #expect(fromText == (try attributes(json.stdout)))
    }

    @Test func writesToAFileWithOutput() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("compat-extract-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CommandRunner.run("compat", ["extract", "--json", "--name", "node-7", "-o", file.path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let written = try String(contentsOf: file, encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any])
        #expect((object["metadata"] as? [String: Any])?["name"] as? String == "node-7")
    }

    @Test func anUnwritableOutputIsAnError() throws {
        let result = try CommandRunner.run("compat", ["extract", "-o", "/nonexistent-dir/host.json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot write '/nonexistent-dir/host.json'"))
    }

    @Test func anExtractedHostIsAnArtifactMatchCanRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("compat-extract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CommandRunner.run("compat", ["extract", "--json", "-o", dir.appendingPathComponent("host.json").path]).status == 0)
        try Data("images:\n  - name: this-host\n    artifact: host.json\n".utf8).write(to: dir.appendingPathComponent("manifests.yaml"))
        let vendor = try #require(try osReleaseField("ID"))
        let result = try CommandRunner.run("compat", [
            "match", "-i", dir.appendingPathComponent("manifests.yaml").path, "-m", "org.supercontainers.os.vendor=\(vendor)",
        ])
        #expect(result.status == 0)
        #expect(result.stdout == "this-host\n")
    }
}
