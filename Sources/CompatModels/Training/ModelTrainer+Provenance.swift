import CompatCore

extension ModelTrainer {
    /// The `provenance` object of a trained model (its members are described in `models/README.md`).
    static func provenance(
        data: TrainingData, options: Options, source: Source, crossValidation: CrossValidation,
        inSample: (r2: Double, mae: Double), fit: PenalizedRegression.Fit
    ) -> JSONObject {
        let chosen = crossValidation.chosen
        let objective = chosen.penalty == .ridge
            ? "1/(2N) * sum (y - b0 - x.b)^2 + alpha/2 * sum b^2"
            : "1/(2N) * sum (y - b0 - x.b)^2 + alpha * sum |b|"
        return JSONObject([
            ("trainer", .string("compat model train")),
            ("training_data", .object(JSONObject([
                ("file", .string(source.file)),
                ("sha256", .string(source.sha256)),
                ("rows", .number(String(data.rows.count))),
                ("instance_types", .number(String(data.instanceTypes.count))),
                ("distinct_input_tuples", .number(String(data.distinctInputTuples.count))),
                ("target_column", .string(TrainingData.defaultTargetColumn)),
            ]))),
            ("regression", .object(JSONObject([
                ("penalty", .string(chosen.penalty.rawValue)),
                ("alpha", jsonNumber(chosen.alpha)),
                ("alpha_hex", HexFloat.format(chosen.alpha).map { .string($0) } ?? .null),
                ("interactions", .bool(options.interactions)),
                ("objective", .string(objective)),
                ("preprocessing", .string("one-hot, drop first category; columns and target centred on their row means (intercept unpenalised); columns not scaled")),
                ("solver", .string("cyclic coordinate descent on rows aggregated by label tuple (exact), warm-started from the next stronger alpha")),
                ("sweeps", .number(String(fit.sweeps))),
                ("converged", .bool(fit.converged)),
            ]))),
            ("cross_validation", .object(JSONObject([
                ("grouping", .string("instance type: the first two dot-separated parts of the row id; instance types sorted and dealt round-robin")),
                ("folds", .number(String(crossValidation.folds.count))),
                ("r2", jsonNumber(crossValidation.r2)),
                ("mae", jsonNumber(crossValidation.meanAbsoluteError)),
                ("note", .string(
                    "r2 pools every row's out-of-fold prediction (SST about the mean of all rows). A label-only model predicts one value per label tuple, "
                        + "so r2_within_type is -(mean error)^2/within-type variance (<= 0, 0 when exact); held-out types whose tuple was unseen in training are extrapolations."
                )),
                ("held_out", .array(crossValidation.heldOut.map { type in
                    .object(JSONObject([
                        ("instance_type", .string(type.instanceType)),
                        ("fold", .number(String(type.fold))),
                        ("rows", .number(String(type.rows))),
                        ("mean_actual", jsonNumber(type.meanActual)),
                        ("prediction", jsonNumber(type.meanPrediction)),
                        ("combination_seen_in_training", .bool(type.combinationSeenInTraining)),
                        ("unknown_categories", .array(type.unknownCategories.map { finding in
                            .object(JSONObject([("input", .string(finding.inputs.first ?? "")), ("value", .string(finding.values.first ?? ""))]))
                        })),
                        ("r2_within_type", jsonNumber(type.withinTypeR2)),
                    ]))
                })),
                ("candidates", .array(crossValidation.candidates.map { candidate in
                    .object(JSONObject([
                        ("penalty", .string(candidate.penalty.rawValue)),
                        ("alpha", jsonNumber(candidate.alpha)),
                        ("r2", jsonNumber(candidate.crossValidatedR2)),
                    ]))
                })),
            ]))),
            ("in_sample", .object(JSONObject([("r2", jsonNumber(inSample.r2)), ("mae", jsonNumber(inSample.mae))]))),
        ])
    }
}
