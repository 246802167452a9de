import Foundation
import Testing

@Suite struct ClassifyLogCommandTests {
    static var logs: URL { CommandRunner.shared.appendingPathComponent("data/lammps-matrix/logs") }

    static func logPaths(_ mode: String) throws -> [String] {
        let folder = logs.appendingPathComponent(mode)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".log") }.sorted().map { folder.appendingPathComponent($0).path }
    }

    @Test func countsTheBasicPilotLikeThePublishedTable() throws {
        let result = try CommandRunner.run("compat", ["classify-log"] + Self.logPaths("basic"))
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 26)
        #expect(lines.last == "25 logs: success 2, missing gpu 3, os abi issue 20")
        // File names are padded to one column width: lammps-10-… is one character longer than lammps-0-….
        #expect(lines.first?.hasSuffix("/lammps-0-size-2.log   missing gpu") == true)
    }

    @Test func printsTheWallTimeOfASuccessfulRun() throws {
        let path = Self.logs.appendingPathComponent("basic/lammps-24-size-2.log").path
        let result = try CommandRunner.run("compat", ["classify-log", path])
        #expect(result.status == 0)
        #expect(result.stdout == "\(path)  success  7 s\n")
    }

    @Test func jsonListsEveryLogAndTheCounts() throws {
        let result = try CommandRunner.run("compat", ["classify-log", "--json"] + Self.logPaths("platform"))
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let counts = try #require(object["counts"] as? [String: Int])
        #expect(counts == ["success": 6, "missing gpu": 10, "mpi error": 5, "os abi issue": 4])
        let logs = try #require(object["logs"] as? [[String: Any]])
        #expect(logs.count == 25)
        let mpi = try #require(logs.first { ($0["file"] as? String)?.hasSuffix("/lammps-1-size-2.log") == true })
        #expect(mpi["reason"] as? String == "mpi error")
        #expect(mpi["evidence"] as? String == "Abort(1090959) on node 0 (rank 0 in comm 0): Fatal error in PMPI_Init: Other MPI error, error stack:")
        #expect(mpi["wallTimeSeconds"] is NSNull)
    }

    @Test func readsStandardInput() throws {
        let result = try CommandRunner.run("compat", ["classify-log", "-"], stdin: "exec /usr/bin/lmp: exec format error\n")
        #expect(result.status == 0)
        #expect(result.stdout == "-  arch mismatch\n")
    }

    @Test func aMissingFileExitsWithStatus2AndNamesIt() throws {
        let result = try CommandRunner.run("compat", ["classify-log", "no-such.log"])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == "compat: cannot read log 'no-such.log': no such file\n")
    }
}
