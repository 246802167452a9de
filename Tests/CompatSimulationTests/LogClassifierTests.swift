import Testing
@testable import CompatSimulation

@Suite struct LogClassifierTests {
    /// compspec.md §5.6: the pilot's counts per mode, recounted from the committed logs.
    @Test(arguments: [
        ("basic", [RunReason.success: 2, .missingGPU: 3, .osABI: 20]),
        ("platform", [.success: 6, .missingGPU: 10, .osABI: 4, .mpiError: 5]),
        ("platform-version", [.success: 12, .missingGPU: 11, .mpiError: 2]),
        ("descriptive-basic", [.success: 25]),
    ])
    func pilotLogsReproduceThePublishedCounts(mode: String, expected: [RunReason: Int]) throws {
        let logs = try SharedData.pilotLogs(mode: mode)
        #expect(logs.count == 25)
        var counts: [RunReason: Int] = [:]
        for log in logs { counts[LogClassifier.classify(log.text).reason, default: 0] += 1 }
        #expect(counts == expected)
    }

    @Test func successfulPilotRunsReportTheirWallTime() throws {
        let descriptive = try SharedData.pilotLogs(mode: "descriptive-basic")
        let times = descriptive.compactMap { LogClassifier.classify($0.text).wallTimeSeconds }
        #expect(times.count == 25)
        // 7 Intel MPI runs on Rocky 8 took 11 s, one run 8 s, the rest 7 s.
        #expect(times.filter { $0 == 11 }.count == 7)
        #expect(times.filter { $0 == 8 }.count == 1)
        #expect(times.filter { $0 == 7 }.count == 17)
    }

    @Test func everyFailedPilotRunHasNoWallTime() throws {
        for mode in ["basic", "platform", "platform-version"] {
            for log in try SharedData.pilotLogs(mode: mode) {
                let result = LogClassifier.classify(log.text)
                #expect((result.wallTimeSeconds != nil) == (result.reason == .success), "\(mode)/\(log.name)")
            }
        }
    }

    @Test func evidenceIsTheDecidingLine() throws {
        let logs = try SharedData.pilotLogs(mode: "basic")
        let glibcxx = try #require(logs.first { $0.name == "lammps-13-size-2.log" })
        let result = LogClassifier.classify(glibcxx.text)
        #expect(result.reason == .osABI)
        #expect(result.evidence?.hasSuffix("/lib64/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by /opt/software/linux-ubuntu22.04-x86_64/gcc-11.4.0/libzmq-4.3.4-vazhs2bn5rochoj7mrefpvvyjuprubkt/lib/libzmq.so.5)") == true)
    }

    @Test func ruleOrderFollowsPlotResults() {
        // A finished run wins over an earlier library complaint, as in plot-results.py.
        let both = "lmp_gpu: error while loading shared libraries: libcuda.so.1: cannot open shared object file\nTotal wall time: 0:01:05\n"
        #expect(LogClassifier.classify(both) == LogClassification(reason: .success, wallTimeSeconds: 65, evidence: "Total wall time: 0:01:05"))
        let gpuAndMPI = "Fatal error in PMPI_Init: Other MPI error\nx: libcuda.so.1: cannot open shared object file: No such file or directory"
        #expect(LogClassifier.classify(gpuAndMPI).reason == .missingGPU)
        let mpiAndABI = "flux: /lib64/libc.so.6: version `GLIBC_2.34' not found (required by flux)\nAbort: Fatal error in PMPI_Init: Other MPI error"
        #expect(LogClassifier.classify(mpiAndABI).reason == .mpiError)
    }

    @Test func glibcAndNotFoundMustShareALine() {
        let scattered = "checking GLIBC version\njob-manager.info[0]: restart: checkpoint.job-manager not found\n"
        #expect(LogClassifier.classify(scattered) == LogClassification(reason: .unknown))
    }

    @Test func failuresTheExperimentNeverHitAreRecognised() {
        #expect(LogClassifier.classify("exec /bin/sh: exec format error").reason == .archMismatch)
        #expect(LogClassifier.classify("lmp: error while loading shared libraries: libmpi.so.40: cannot open shared object file: No such file or directory").reason == .mpiError)
        #expect(LogClassifier.classify("It looks like MPI_INIT failed for some reason; your parallel process is").reason == .mpiError)
    }

    @Test func unrecognisedAndEmptyLogsAreUnknown() {
        #expect(LogClassifier.classify("").reason == .unknown)
        #expect(LogClassifier.classify("\u{FEFF}\r\n\0 Segmentation fault (core dumped)").reason == .unknown)
    }

    @Test(arguments: [
        ("Total wall time: 0:00:07", 7),
        ("Total wall time: 1:02:03", 3723),
        ("Total wall time: 123:00:00\r", 442_800),
    ])
    func wallTimeIsParsedAsSeconds(line: String, seconds: Int) {
        #expect(LogClassifier.wallTimeSeconds(in: line) == seconds)
    }

    @Test(arguments: ["Total wall time: 0:7:00", "Total wall time: 0:00:60", "Total wall time: 7s", "Total wall time: -1:00:00", "Total wall time: 99999999999999999999:00:00"])
    func malformedWallTimesAreNil(line: String) {
        #expect(LogClassifier.wallTimeSeconds(in: line) == nil)
        #expect(LogClassifier.classify(line).reason == .success)
    }
}
