/// The encoded columns of a model fitted on some rows, in the published models' layout: for every input,
/// one 0/1 column per category except the first (categories sorted as a plain byte-wise string sort, as
/// scikit-learn's `OneHotEncoder(drop='first')` does), then optionally every pairwise product of columns
/// of two different inputs that is non-zero on some training row.
struct FeatureSpace: Sendable {
    struct Column: Sendable, Hashable {
        var input: Int
        var category: String
    }

    let inputNames: [String]
    /// Per input, the categories seen in the rows, sorted.
    let categories: [[String]]
    let columns: [Column]
    /// Pairs of indices into ``columns``.
    let interactions: [(Int, Int)]

    init(inputNames: [String], tuples: [[String]], interactions includeInteractions: Bool) {
        self.inputNames = inputNames
        let sortedCategories = inputNames.indices.map { input in
            Array(Set(tuples.map { $0[input] })).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        let columns = sortedCategories.enumerated().flatMap { input, values in
            values.dropFirst().map { Column(input: input, category: $0) }
        }
        categories = sortedCategories
        self.columns = columns
        var pairs: [(Int, Int)] = []
        if includeInteractions {
            let active = tuples.map { tuple in Set(columns.indices.filter { sameLabelBytes(tuple[columns[$0].input], columns[$0].category) }) }
            for a in columns.indices {
                for b in columns.indices where b > a && columns[a].input != columns[b].input {
                    if active.contains(where: { $0.contains(a) && $0.contains(b) }) { pairs.append((a, b)) }
                }
            }
        }
        interactions = pairs
    }

    var width: Int { columns.count + interactions.count }

    /// The design row of one input tuple: main columns, then interactions.
    func encode(_ tuple: [String]) -> [Double] {
        let main = columns.map { sameLabelBytes(tuple[$0.input], $0.category) ? 1.0 : 0.0 }
        return main + interactions.map { main[$0.0] * main[$0.1] }
    }

    /// A portable model with these columns and the fitted coefficients. Terms with a zero coefficient
    /// (lasso drops them) are left out; every column stays listed so the layout is the same for any fit.
    func model(
        coefficients: [Double], intercept: Double, name: String, targetDescription: String,
        direction: OptimizationDirection, directionSource: String, seenTuples: [[String]]
    ) -> PerformanceModel {
        let features = columns.map { column in
            EncodedFeature(name: Self.columnName(inputNames[column.input], column.category), input: column.input, encoding: .oneHot(category: column.category))
        }
        var terms: [ModelTerm] = []
        for (index, coefficient) in coefficients.enumerated() where coefficient != 0 {
            if index < columns.count {
                terms.append(ModelTerm(features: [index], coefficient: coefficient, name: features[index].name))
            } else {
                let (a, b) = interactions[index - columns.count]
                terms.append(ModelTerm(features: [a, b], coefficient: coefficient, name: features[a].name + " " + features[b].name))
            }
        }
        return PerformanceModel(
            name: name, target: name, targetDescription: targetDescription, direction: direction,
            directionSource: directionSource,
            inputs: inputNames.indices.map { ModelInput(name: inputNames[$0], kind: .categorical(categories: categories[$0])) },
            features: features, terms: terms, intercept: intercept, seenInputCombinations: seenTuples
        )
    }

    /// scikit-learn's ColumnTransformer output name, for traceability.
    static func columnName(_ input: String, _ category: String) -> String {
        "cat__\(input)_\(category)"
    }
}
