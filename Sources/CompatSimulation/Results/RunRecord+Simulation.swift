extension RunRecord {
    /// The record of a simulated LAMMPS run, judged by its log as a real run's would be: the reason
    /// and wall time are what ``LogClassifier`` reads from `run.log`.
    public static func lammps(
        mode: String, iteration: Int, job: SimulatedJob, run: SimulatedRun, selectionLatencyMilliseconds: Double? = nil
    ) -> RunRecord {
        let classification = LogClassifier.classify(run.log)
        return RunRecord(
            experiment: .lammps, group: mode, iteration: iteration, image: job.image.name, view: job.view.image,
            node: job.node.name, reason: classification.reason, wallTimeSeconds: classification.wallTimeSeconds.map(Double.init),
            selectionLatencyMilliseconds: selectionLatencyMilliseconds
        )
    }

    /// The record of a model-experiment run whose figure of merit was looked up (measured or estimated).
    public static func model(
        strategy: String, iteration: Int, image: String, measurement: HPCGMeasurement, selectionLatencyMilliseconds: Double? = nil
    ) -> RunRecord {
        RunRecord(
            experiment: .model, group: strategy, iteration: iteration, image: image, node: measurement.instance, reason: .success,
            figureOfMerit: measurement.figureOfMerit, selectionLatencyMilliseconds: selectionLatencyMilliseconds,
            estimated: measurement.estimated
        )
    }

    /// The record of a model-experiment run that could not run: the chosen instance cannot execute the
    /// build (another architecture), recorded as the `exec format error` it would be.
    public static func modelArchitectureMismatch(
        strategy: String, iteration: Int, image: String, instance: String, selectionLatencyMilliseconds: Double? = nil
    ) -> RunRecord {
        RunRecord(
            experiment: .model, group: strategy, iteration: iteration, image: image, node: instance, reason: .archMismatch,
            selectionLatencyMilliseconds: selectionLatencyMilliseconds
        )
    }
}
