import CompatCore
import Testing
@testable import CompatSimulation

@Suite struct ResultsFilesTests {
    static let records = [
        RunRecord(experiment: .lammps, group: "descriptive-basic", iteration: 0, image: "ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64",
                  view: "ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy", node: "c2d-standard-8", reason: .success,
                  wallTimeSeconds: 7.25, selectionLatencyMilliseconds: 3.5, timing: RunTiming(startedAt: "2026-12-06T17:00:00.125Z", seconds: 0.012)),
        RunRecord(experiment: .lammps, group: "basic", iteration: 1, image: "img, with \"comma\"", view: nil, node: "c2d-standard-8", reason: .osABI),
        RunRecord(experiment: .model, group: "model", iteration: 2, image: "ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os",
                  node: "hpc7g.16xlarge", reason: .success, figureOfMerit: 31.227516417709687, estimated: true, batch: 1),
    ]

    static let provenance = RunProvenance(
        tool: "compat-run", version: "0.1.0", revision: "b04cf4c-dirty", arguments: ["--mode", "all", "--seed", "18446744073709551615"],
        seed: .max, backend: "sim", webhook: "embedded", plan: nil, startedAt: "2026-12-06T17:00:00.000Z", finishedAt: nil, interrupted: true
    )

    @Test func jsonRoundTripsWithHowTheRunWasMade() throws {
        let text = ResultsFiles.json(Self.records, run: Self.provenance)
        let document = try ResultsFiles.decodeDocument(Array(text.utf8))
        #expect(document.records == Self.records)
        #expect(document.run == Self.provenance)
        #expect(text.contains(#""seed": 18446744073709551615,"#))
    }

    @Test func versionOneDocumentsStillRead() throws {
        let text = """
            {"format": "compat-results", "version": 1, "records": [{"experiment": "lammps", "group": "basic", "iteration": 3, "image": "i",
             "view": null, "node": "n", "outcome": "failed", "reason": "os abi issue", "wallTimeSeconds": null, "figureOfMerit": null,
             "selectionLatencyMilliseconds": null, "estimated": false}]}
            """
        let document = try ResultsFiles.decodeDocument(Array(text.utf8))
        #expect(document.run == nil)
        #expect(document.records.map(\.iteration) == [3])
    }

    @Test func resumingNeedsTheSameSeedBackendAndWebhook() {
        var other = Self.provenance
        other.arguments = ["--resume"]
        other.startedAt = "2026-12-07T00:00:00.000Z"
        #expect(Self.provenance.continues(other))
        other.seed = 2
        #expect(!Self.provenance.continues(other))
    }

    @Test func jsonHasEveryMemberInAFixedOrder() {
        let text = ResultsFiles.json([Self.records[1]])
        #expect(text == """
            {
              "format": "compat-results",
              "version": 2,
              "run": null,
              "records": [
                {
                  "experiment": "lammps",
                  "group": "basic",
                  "batch": 0,
                  "iteration": 1,
                  "image": "img, with \\"comma\\"",
                  "view": null,
                  "node": "c2d-standard-8",
                  "outcome": "failed",
                  "reason": "os abi issue",
                  "wallTimeSeconds": null,
                  "figureOfMerit": null,
                  "selectionLatencyMilliseconds": null,
                  "estimated": false,
                  "startedAt": null,
                  "runSeconds": null
                }
              ]
            }

            """)
    }

    @Test func csvQuotesAndLeavesAbsentValuesEmpty() {
        let lines = ResultsFiles.csv(Self.records).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines == [
            "experiment,group,batch,iteration,image,view,node,outcome,reason,wall_time_s,fom_gflops,selection_latency_ms,estimated,started_at,run_s",
            "lammps,descriptive-basic,0,0,ghcr.io/rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64,ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy,c2d-standard-8,succeeded,success,7.25,,3.5,false,2026-12-06T17:00:00.125Z,0.012",
            "lammps,basic,0,1,\"img, with \"\"comma\"\"\",,c2d-standard-8,failed,os abi issue,,,,false,,",
            "model,model,1,2,ghcr.io/converged-computing/hpcg-matrix:cortex-a72-Os,,hpc7g.16xlarge,succeeded,success,,31.227516,,true,,",
            "",
        ])
    }

    @Test func decodingRejectsUnknownMembersWithTheirPath() {
        let text = ResultsFiles.json([Self.records[1]]).replacingOccurrences(of: "\"estimated\": false", with: "\"estimated\": false, \"colour\": 1")
        #expect(throws: ArtifactDecodingError.self) { try ResultsFiles.decodeJSON(Array(text.utf8)) }
        do {
            _ = try ResultsFiles.decodeJSON(Array(text.utf8))
        } catch {
            #expect(error.path.description == "records[0].colour")
        }
    }

    @Test func decodingRejectsAnOutcomeThatContradictsTheReason() {
        let text = ResultsFiles.json([Self.records[1]]).replacingOccurrences(of: "\"failed\"", with: "\"succeeded\"")
        do {
            _ = try ResultsFiles.decodeJSON(Array(text.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "records[0].outcome: outcome 'succeeded' contradicts reason 'os abi issue'")
        }
    }

    @Test func decodingRejectsOtherFormatsAndVersions() {
        for (text, message) in [
            (#"{"format":"x","version":1,"records":[]}"#, "format: expected 'compat-results', found 'x'"),
            (#"{"format":"compat-results","version":3,"records":[]}"#, "version: version 3 is not supported (this reader knows versions 1 and 2)"),
            (#"{"format":"compat-results","version":1,"records":[{"reason":"bad"}]}"#, "records[0]: missing required field 'experiment'"),
        ] {
            do {
                _ = try ResultsFiles.decodeJSON(Array(text.utf8))
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test(arguments: [(7.0, "7"), (7.25, "7.25"), (0.0000004, "0"), (-0.0, "0"), (1234567.5, "1234567.5"), (2.0 / 3.0, "0.666667")])
    func decimalTextIsShortAndLocaleFree(value: Double, text: String) {
        #expect(decimalText(value) == text)
    }
}
