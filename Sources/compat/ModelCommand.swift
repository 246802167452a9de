import ArgumentParser
import CompatCore
import CompatModels
import CompatTransport
import Foundation

/// `compat model`: fit portable performance models and measure them on study data.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Train and evaluate portable performance models on HPCG study CSV files.",
        subcommands: [TrainModelCommand.self, EvaluateModelCommand.self]
    )
}

/// `compat model train`: ridge or lasso on one-hot node labels, penalty chosen by grouped cross-validation.
struct TrainModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit a model on a study CSV and write it in the portable format.",
        discussion: """
            Inputs are the feature.node.kubernetes.io/ label columns, one-hot encoded with the first \
            category dropped; the target is y_actual; the first two dot-separated parts of the row id are the \
            instance type. Ridge and lasso strengths are chosen by cross-validation whose folds hold out whole \
            instance types (default: one instance type per fold). Exit status: 0 when the model was written, \
            1 when the data cannot be fitted, 2 when the CSV cannot be read.
            """
    )

    @Option(help: "The study CSV, plain or gzip-compressed.")
    var csv: String

    @Option(help: "The model name and target metric (e.g. fom).")
    var target: String

    @Option(help: "Where to write the model JSON.")
    var out: String

    @Option(help: "ridge or lasso (default: whichever cross-validates better).", transform: parsePenalty)
    var penalty: Penalty?

    @Flag(help: "Add pairwise products of the one-hot columns of different labels.")
    var interactions = false

    @Option(help: "Number of grouped folds, 2 to the number of instance types (default: one instance type per fold).")
    var folds: Int?

    @Option(help: "maximize or minimize: which extreme of the target is best.", transform: parseOptimizationDirection)
    var direction: OptimizationDirection = .maximize

    @Option(name: .customLong("description"), help: "Human-readable description of the target (default: the target name).")
    var targetDescription: String?

    func run() throws {
        try reportingFailures {
            let bytes = try readInput(csv, as: "training CSV")
            let data = try loadTrainingData(bytes, path: csv)
            let options = ModelTrainer.Options(
                name: target, targetDescription: targetDescription ?? target, direction: direction,
                directionSource: "compat model train --direction \(direction.rawValue)",
                penalties: penalty.map { [$0] } ?? Penalty.allCases, interactions: interactions, folds: folds
            )
            let source = ModelTrainer.Source(file: (csv as NSString).lastPathComponent, sha256: SHA256.hexDigest(bytes))
            let outcome: ModelTrainer.Outcome
            do throws(TrainingDataError) {
                outcome = try ModelTrainer.train(data, options: options, source: source)
            } catch {
                throw CLIFailure.evaluationFailed(error.description)
            }
            let text = outcome.model.jsonValue.serialized(pretty: true) + "\n"
            guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else {
                throw CLIFailure.unreadableInput("cannot write '\(out)': check that its directory exists and is writable")
            }
            report(outcome)
        }
    }

    private func report(_ outcome: ModelTrainer.Outcome) {
        let cv = outcome.crossValidation
        let largest = outcome.model.terms.map { abs($0.coefficient) }.max() ?? 0
        printLine("wrote \(out): \(outcome.model.name), \(cv.chosen.penalty.rawValue) alpha=\(cv.chosen.alpha), "
            + "\(outcome.model.terms.count) terms, largest |coefficient| \(largest)")
        printLine("grouped CV (\(cv.folds.count) folds by instance type): R2 \(format(cv.r2)), MAE \(format(cv.meanAbsoluteError))")
        printLine("in-sample: R2 \(format(outcome.inSampleR2)), MAE \(format(outcome.inSampleMeanAbsoluteError))"
            + (outcome.converged ? "" : " (coordinate descent stopped at \(outcome.sweeps) sweeps before converging)"))
        printLine("held-out instance type      rows  mean actual   prediction  seen tuple  R2 within type")
        for type in cv.heldOut {
            printLine(type.instanceType.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(type.rows).leftPadded(6) + format(type.meanActual).leftPadded(13) + format(type.meanPrediction).leftPadded(13)
                + (type.combinationSeenInTraining ? "yes" : "no").leftPadded(12)
                + (type.withinTypeR2.map(format) ?? "-").leftPadded(16))
        }
    }
}

/// `compat model evaluate`: R², MAE and selection quality of a model on a study CSV.
struct EvaluateModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on a study CSV: R2, MAE, and how well it chooses among the instance types.",
        discussion: """
            Selection is measured by choosing, with the out-of-distribution guard, among all instance types \
            of the CSV and within every pair of them, and comparing the chosen type's mean y_actual with the \
            best type's: a hit when they are equal, regret as the gap in percent of the best mean. Exit \
            status: 0, 1 when the model cannot score the data, 2 when an input cannot be read.
            """
    )

    @Option(help: "The model file.")
    var model: String

    @Option(help: "The study CSV, plain or gzip-compressed.")
    var csv: String

    @Option(help: "maximize or minimize (default: the model's direction).", transform: parseOptimizationDirection)
    var direction: OptimizationDirection?

    @Flag(help: "Print the evaluation as JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            let performanceModel = try loadPerformanceModel(model)
            let data = try loadTrainingData(try readInput(csv, as: "training CSV"), path: csv)
            let evaluation: ModelEvaluation
            do throws(TrainingDataError) {
                evaluation = try ModelEvaluation.evaluate(performanceModel, on: data, direction: direction)
            } catch {
                throw CLIFailure.evaluationFailed(error.description)
            }
            let recordedCV: Double? = {
                guard case .number(let text)? = performanceModel.provenance["cross_validation"]?["r2"] else { return nil }
                return Double(text)
            }()
            if json {
                printLine(jsonReport(evaluation, recordedCV: recordedCV).serialized(pretty: true))
            } else {
                textReport(evaluation, recordedCV: recordedCV)
            }
        }
    }

    private func textReport(_ evaluation: ModelEvaluation, recordedCV: Double?) {
        printLine("\(evaluation.model) (\(evaluation.direction.rawValue)) on \((csv as NSString).lastPathComponent): "
            + "\(evaluation.scoredRows) of \(evaluation.rows) rows scored, \(evaluation.outOfDistributionRows) out of distribution")
        printLine("R2 \(format(evaluation.r2)), MAE \(format(evaluation.meanAbsoluteError))"
            + (recordedCV.map { ", grouped CV R2 recorded in the model \(format($0))" } ?? ""))
        let all = evaluation.allTypes
        printLine("all \(all.candidates.count) instance types: chose \(all.chosen), best \(all.best), regret \(format(all.regretPercent))%")
        let pairs = evaluation.pairwise
        printLine("pairs: best chosen in \(pairs.hits) of \(pairs.pairs), mean regret \(format(pairs.meanRegretPercent))%, "
            + "worst \(format(pairs.worstRegretPercent))%")
    }

    private func jsonReport(_ evaluation: ModelEvaluation, recordedCV: Double?) -> JSONValue {
        func number(_ value: Double?) -> JSONValue {
            guard let value, value.isFinite else { return .null }
            return .number(value.description)
        }
        let all = evaluation.allTypes
        let pairs = evaluation.pairwise
        return .object(JSONObject([
            ("model", .string(evaluation.model)),
            ("direction", .string(evaluation.direction.rawValue)),
            ("csv", .string((csv as NSString).lastPathComponent)),
            ("rows", .number(String(evaluation.rows))),
            ("scored_rows", .number(String(evaluation.scoredRows))),
            ("out_of_distribution_rows", .number(String(evaluation.outOfDistributionRows))),
            ("r2", number(evaluation.r2)),
            ("mae", number(evaluation.meanAbsoluteError)),
            ("recorded_cv_r2", number(recordedCV)),
            ("all_types", .object(JSONObject([
                ("candidates", .number(String(all.candidates.count))), ("chosen", .string(all.chosen)),
                ("best", .string(all.best)), ("regret_percent", number(all.regretPercent)),
            ]))),
            ("pairs", .object(JSONObject([
                ("pairs", .number(String(pairs.pairs))), ("hits", .number(String(pairs.hits))),
                ("mean_regret_percent", number(pairs.meanRegretPercent)), ("worst_regret_percent", number(pairs.worstRegretPercent)),
            ]))),
            ("instance_types", .array(evaluation.instanceTypes.map { type in
                .object(JSONObject([
                    ("instance_type", .string(type.instanceType)), ("rows", .number(String(type.rows))),
                    ("mean_actual", number(type.meanActual)), ("mean_prediction", number(type.meanPrediction)),
                    ("in_distribution", .bool(type.inDistribution)),
                ]))
            })),
        ]))
    }
}

// MARK: - Shared by predict and model

/// Reads and strictly decodes a model file (exit status 2 when it cannot).
func loadPerformanceModel(_ path: String) throws -> PerformanceModel {
    do {
        return try PerformanceModel(decoding: try readInput(path, as: "model"))
    } catch let error as ArtifactDecodingError {
        throw CLIFailure.unreadableInput("model '\(path)': \(error)")
    }
}

/// Inflates gzip input when it is gzip, then reads the study CSV's columns (exit status 2 on failure).
func loadTrainingData(_ bytes: [UInt8], path: String) throws -> TrainingData {
    do {
        let text = Gzip.isGzip(bytes) ? try Gzip.decompress(bytes) : bytes
        return try TrainingData(table: try CSVTable(parsing: text))
    } catch let error as GzipError {
        throw CLIFailure.unreadableInput("training CSV '\(path)': \(error)")
    } catch let error as CSVError {
        throw CLIFailure.unreadableInput("training CSV '\(path)': \(error)")
    } catch let error as TrainingDataError {
        throw CLIFailure.unreadableInput("training CSV '\(path)': \(error)")
    }
}

func parsePenalty(_ text: String) throws -> Penalty {
    guard let penalty = Penalty(rawValue: text) else { throw ValidationError("penalty must be ridge or lasso, not '\(text)'") }
    return penalty
}

func parseOptimizationDirection(_ text: String) throws -> OptimizationDirection {
    guard let direction = OptimizationDirection(rawValue: text) else {
        throw ValidationError("direction must be maximize or minimize, not '\(text)'")
    }
    return direction
}

/// Four significant decimals, for tables (JSON output keeps every digit).
private func format(_ value: Double) -> String {
    guard value.isFinite else { return value.description }
    return String(format: "%.4g", value)
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
