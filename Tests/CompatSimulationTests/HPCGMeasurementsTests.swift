import CompatCore
import Testing
@testable import CompatSimulation

@Suite struct HPCGMeasurementsTests {
    static func build(_ name: String) throws -> HPCGBuild { try #require(HPCGBuild(name: name)) }

    @Test func realDataHasTwentyInstancesAndEveryRow() throws {
        let data = try SharedData.hpcgFOM()
        #expect(data.observations.count == 4992)
        #expect(data.instances.count == 20)
        #expect(data.instanceArchitectures["hpc7g.16xlarge"] == .arm64)
        #expect(data.instanceArchitectures["c7a.12xlarge"] == .amd64)
        #expect(data.instances.filter { data.instanceArchitectures[$0] == .arm64 } == ["c7g.16xlarge", "hpc7g.16xlarge", "m6g.12xlarge", "m7g.16xlarge", "t4g.2xlarge"])
        #expect(data.builds(on: "r6i.8xlarge") == [try Self.build("znver3-Os")])
    }

    @Test func aMeasuredPairDrawsOneOfItsRuns() throws {
        let data = try SharedData.hpcgFOM()
        let build = try Self.build("znver3-Ofast")
        var seen: Set<Double> = []
        var random = SeededRandom(seed: 7)
        for _ in 0..<60 {
            let m = try data.lookup(instance: "c7a.12xlarge", build: build, random: &random)
            #expect(m.basis == .measured)
            #expect(!m.estimated)
            #expect(m.measuredBuild == build)
            seen.insert(m.figureOfMerit)
        }
        #expect(seen == [25.6788, 23.5521, 28.0219])
    }

    @Test func theSameSeedDrawsTheSameRun() throws {
        let data = try SharedData.hpcgFOM()
        var a = SeededRandom(seed: 42, stream: "model/3")
        var b = SeededRandom(seed: 42, stream: "model/3")
        let build = try Self.build("neoverse-v1-O2")
        #expect(try data.lookup(instance: "hpc7g.16xlarge", build: build, random: &a) == data.lookup(instance: "hpc7g.16xlarge", build: build, random: &b))
    }

    /// The `fom` artifact's arm64 image was never run on hpc7g; cortex-a72 was, at every level but Os.
    /// Os sits between O1 and O2 (one step each); the tie goes to O1.
    @Test func anUnmeasuredLevelUsesTheNearestLevelOfTheSameTarget() throws {
        let data = try SharedData.hpcgFOM()
        let build = try Self.build("cortex-a72-Os")
        #expect(data.observations(instance: "hpc7g.16xlarge", build: build).isEmpty)
        var random = SeededRandom(seed: 1)
        let m = try data.lookup(instance: "hpc7g.16xlarge", build: build, random: &random)
        #expect(m.basis == .sameMicroArchitectureNearestLevel)
        #expect(m.estimated)
        #expect(m.measuredBuild.name == "cortex-a72-O1")
        #expect([30.6024, 27.7022, 33.759].contains(m.figureOfMerit))
        #expect(m.requestedBuild == build)
    }

    /// r6i.8xlarge was only measured with znver3-Os; any other x86 build there is estimated from it.
    @Test func anUnmeasuredTargetUsesTheTypicalBuildAtTheNearestLevel() throws {
        let data = try SharedData.hpcgFOM()
        var random = SeededRandom(seed: 3)
        let m = try data.lookup(instance: "r6i.8xlarge", build: try Self.build("skylake-avx512-O3"), random: &random)
        #expect(m.basis == .typicalBuildAtNearestLevel)
        #expect(m.measuredBuild.name == "znver3-Os")
        #expect([13.8451, 14.6498, 14.7138].contains(m.figureOfMerit))
    }

    /// On d3.4xlarge three builds were measured at O2 (medians btver2 8.07343, znver2 8.04499,
    /// znver3 8.17137); the median build is btver2-O2.
    @Test func theTypicalBuildIsTheMedianBuildByMedianFOM() throws {
        let data = try SharedData.hpcgFOM()
        var random = SeededRandom(seed: 3)
        let m = try data.lookup(instance: "d3.4xlarge", build: try Self.build("haswell-O2"), random: &random)
        #expect(m.measuredBuild.name == "btver2-O2")
    }

    @Test func aBuildForAnotherArchitectureCannotBeEstimated() throws {
        let data = try SharedData.hpcgFOM()
        var random = SeededRandom(seed: 1)
        #expect(throws: HPCGLookupError.architectureMismatch(build: "cortex-a72-Os", instance: "c7a.12xlarge", instanceArchitecture: .amd64)) {
            try data.lookup(instance: "c7a.12xlarge", build: try Self.build("cortex-a72-Os"), random: &random)
        }
        #expect(throws: HPCGLookupError.unknownMicroArchitecture("pentium4")) {
            try data.lookup(instance: "c7a.12xlarge", build: try Self.build("pentium4-O2"), random: &random)
        }
    }

    @Test func anUnknownInstanceNamesTheKnownOnes() throws {
        let data = try SharedData.hpcgFOM()
        var random = SeededRandom(seed: 1)
        let build = try Self.build("generic-O2")
        do {
            _ = try data.lookup(instance: "c8g.48xlarge", build: build, random: &random)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("instance type 'c8g.48xlarge' was never measured (the data has: c6a.16xlarge, c6i.16xlarge,"))
        }
    }

    @Test func buildNamesSplitAtTheLastDash() throws {
        let b = try Self.build("x86-64-v3-Ofast")
        #expect(b.microArchitecture == "x86-64-v3")
        #expect(b.optimization == .Ofast)
        #expect(b.architectures == [.amd64])
        #expect(try Self.build("generic-O0").architectures == [.amd64, .arm64])
        #expect(HPCGBuild(name: "znver3-O4") == nil)
        #expect(HPCGBuild(name: "-O2") == nil)
        #expect(HPCGBuild(name: "znver3") == nil)
    }

    @Test func optimisationLevelsFollowGCCsLadder() {
        #expect(OptimizationLevel.allCases.sorted() == [.O0, .Og, .O1, .Os, .O2, .O3, .Ofast])
        #expect(OptimizationLevel.Os.distance(to: .O1) == 1)
        #expect(OptimizationLevel.Os.distance(to: .O2) == 1)
        #expect(OptimizationLevel.O0.distance(to: .Ofast) == 6)
    }

    @Test(arguments: [
        ("", "HPCG CSV: CSV line 1: the file is empty (a header row is required)"),
        ("a,b\n", "HPCG CSV header has no 'y_actual' column (the figure of merit)"),
        (",y_actual\n", "HPCG CSV header has no '…cpu-model.vendor_id' column (needed to know each instance's architecture)"),
        (",x.cpu-model.vendor_id,y_actual\nm7g.16xlarge.neoverse-v1-O2.0.0,ARM\n", "HPCG CSV: CSV line 2: 2 fields, but the header has 3"),
        (",x.cpu-model.vendor_id,y_actual\nm7g.neoverse-v1-O2,ARM,3\n", "HPCG CSV data row 1: row name 'm7g.neoverse-v1-O2' is not 'instance.build.iteration' (e.g. 'hpc7g.16xlarge.cortex-a72-Og.0.0')"),
        (",x.cpu-model.vendor_id,y_actual\nm7g.16xlarge.neoverse-v1-O2.0.5,ARM,3\n", "HPCG CSV data row 1: row name 'm7g.16xlarge.neoverse-v1-O2.0.5' is not 'instance.build.iteration' (e.g. 'hpc7g.16xlarge.cortex-a72-Og.0.0')"),
        (",x.cpu-model.vendor_id,y_actual\nm7g.16xlarge.neoverse-v1-O2.0.0,ARM,nan\n", "HPCG CSV data row 1 ('m7g.16xlarge.neoverse-v1-O2.0.0'): y_actual 'nan' is not a finite number"),
        (",x.cpu-model.vendor_id,y_actual\nm7g.16xlarge.neoverse-v1-O2.0.0,IBM,3\n", "HPCG CSV data row 1 ('m7g.16xlarge.neoverse-v1-O2.0.0'): unknown CPU vendor 'IBM' (expected ARM, Intel or AMD)"),
        (",x.cpu-model.vendor_id,y_actual\n\"m7g,3\n", "HPCG CSV: CSV line 2: a quoted field is never closed"),
    ])
    func malformedDataIsRejectedWithAReason(text: String, message: String) {
        #expect(throws: HPCGDataError(message)) { try HPCGMeasurements(csv: text) }
    }

    @Test func quotedCellsAndCRLFAreRead() throws {
        let data = try HPCGMeasurements(csv: "\"\",\"x.cpu-model.vendor_id\",y_actual\r\n\"m7g.16xlarge.neoverse-v1-O2.1.0\",ARM,\"4.5\"\r\n")
        #expect(data.observations == [HPCGObservation(instance: "m7g.16xlarge", build: try Self.build("neoverse-v1-O2"), iteration: 1, figureOfMerit: 4.5)])
    }
}
