import CompatCore
import CompatSimulation

/// Runs admitted HPCG Pods on the simulated cluster: the figure of merit is one measured in the study's
/// data for that instance type and build (`features_hpcg_fom.csv.gz`, rows `instance.build.iteration`),
/// or, for a pair never measured, the documented estimate of ``HPCGMeasurements/lookup(instance:build:random:)``,
/// marked as estimated.
public struct SimulatedHPCGBackend: HPCGBackend {
    public let measurements: HPCGMeasurements
    public let seed: UInt64

    public init(measurements: HPCGMeasurements, seed: UInt64) {
        self.measurements = measurements
        self.seed = seed
    }

    public func run(_ job: AdmittedHPCGJob) throws -> RunRecord {
        let tag = job.image.split(separator: ":").last.map(String.init) ?? job.image
        guard let build = HPCGBuild(name: tag) else {
            throw ExperimentError("image \(job.image) is not an HPCG build of the study (tag <march>-<optimisation>, e.g. znver3-Ofast)")
        }
        var random = SeededRandom(seed: seed, stream: "model/\(job.strategy)/\(job.iteration)/run")
        do {
            let measurement = try measurements.lookup(instance: job.instance, build: build, random: &random)
            return .model(
                strategy: job.strategy, iteration: job.iteration, image: job.image, measurement: measurement,
                selectionLatencyMilliseconds: job.selectionLatencyMilliseconds
            )
        } catch .architectureMismatch {
            return .modelArchitectureMismatch(
                strategy: job.strategy, iteration: job.iteration, image: job.image, instance: job.instance,
                selectionLatencyMilliseconds: job.selectionLatencyMilliseconds
            )
        } catch {
            throw ExperimentError("\(job.strategy) run \(job.iteration): \(error)")
        }
    }
}
