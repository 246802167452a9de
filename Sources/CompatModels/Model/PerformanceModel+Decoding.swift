import CompatCore

extension PerformanceModel {
    /// Decodes a model file (JSON or YAML bytes).
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        try self.init(from: try DocumentDecoder.decode(bytes))
    }

    /// Decodes a model strictly: an unknown field, a wrong type, an unknown `format_version`, a term that
    /// points at a missing column, or a coefficient whose decimal and hexadecimal spellings differ is an
    /// error naming its path.
    public init(from value: JSONValue) throws(ArtifactDecodingError) {
        var root = try StrictObject(value, at: FieldPath())
        let format = try root.string("format")
        guard format == Self.format else {
            throw ArtifactDecodingError(
                path: root.path.appending("format"),
                problem: "expected '\(Self.format)', found '\(format)' (this is not a portable performance model)"
            )
        }
        let version = try root.int("format_version")
        guard version == Self.formatVersion else {
            throw ArtifactDecodingError(
                path: root.path.appending("format_version"),
                problem: "unsupported format version \(version); this reader knows version \(Self.formatVersion)"
            )
        }
        name = try Self.nonEmptyString(&root, "name")
        target = try Self.nonEmptyString(&root, "target")
        targetDescription = try root.string("target_description")
        direction = try Self.direction(&root, "direction")
        directionSource = try root.string("direction_source")
        try Self.requireConstant(&root, "unknown_category", "all_zero")
        try Self.requireConstant(&root, "missing_input", "reject")
        try Self.requireConstant(&root, "summation", "sequential")

        inputs = try Self.decodeInputs(try root.array("inputs"))
        features = try Self.decodeFeatures(try root.array("features"), inputs: inputs)
        terms = try Self.decodeTerms(try root.array("terms"), featureCount: features.count)
        intercept = try Self.exactNumber(&root, decimal: "intercept", hex: "intercept_hex")
        let provenancePath = root.path.appending("provenance")
        guard case .object(let provenanceObject) = try root.requiredValue("provenance") else {
            throw ArtifactDecodingError(path: provenancePath, problem: "expected an object")
        }
        provenance = provenanceObject
        seenInputCombinations = try root.optionalArray("seen_input_combinations").map { rows throws(ArtifactDecodingError) in
            try Self.decodeCombinations(rows, inputs: inputs)
        }
        try root.finish()
    }

    // MARK: Members

    private static func decodeInputs(_ elements: [(value: JSONValue, path: FieldPath)]) throws(ArtifactDecodingError) -> [ModelInput] {
        guard !elements.isEmpty else {
            throw ArtifactDecodingError(path: FieldPath([.key("inputs")]), problem: "a model needs at least one input")
        }
        var decoded: [ModelInput] = []
        var names: Set<String> = []
        for element in elements {
            var object = try StrictObject(element.value, at: element.path)
            let name = try nonEmptyString(&object, "name")
            guard names.insert(name).inserted else {
                throw ArtifactDecodingError(path: element.path.appending("name"), problem: "input '\(name)' is listed twice")
            }
            let kind = try object.string("kind")
            switch kind {
            case "categorical":
                let categories = try object.array("categories").map { item throws(ArtifactDecodingError) in
                    try StrictObject.string(item.value, at: item.path)
                }
                guard let first = categories.first else {
                    throw ArtifactDecodingError(path: element.path.appending("categories"), problem: "a categorical input needs at least one category")
                }
                if Set(categories).count != categories.count {
                    throw ArtifactDecodingError(path: element.path.appending("categories"), problem: "categories must be distinct")
                }
                let reference = try object.string("reference_category")
                guard reference == first else {
                    throw ArtifactDecodingError(
                        path: element.path.appending("reference_category"),
                        problem: "expected the first category '\(first)' (drop='first'), found '\(reference)'"
                    )
                }
                decoded.append(ModelInput(name: name, kind: .categorical(categories: categories)))
            case "numeric":
                decoded.append(ModelInput(name: name, kind: .numeric))
            default:
                throw ArtifactDecodingError(path: element.path.appending("kind"), problem: "expected 'categorical' or 'numeric', found '\(kind)'")
            }
            try object.finish()
        }
        return decoded
    }

    private static func decodeFeatures(
        _ elements: [(value: JSONValue, path: FieldPath)], inputs: [ModelInput]
    ) throws(ArtifactDecodingError) -> [EncodedFeature] {
        var decoded: [EncodedFeature] = []
        for element in elements {
            var object = try StrictObject(element.value, at: element.path)
            let name = try object.string("name")
            let inputName = try object.string("input")
            guard let inputIndex = inputs.firstIndex(where: { $0.name == inputName }) else {
                throw ArtifactDecodingError(path: element.path.appending("input"), problem: "'\(inputName)' is not one of the model's inputs")
            }
            let encodingName = try object.string("encoding")
            let encoding: EncodedFeature.Encoding
            switch (encodingName, inputs[inputIndex].kind) {
            case ("one_hot", .categorical(let categories)):
                let category = try object.string("category")
                guard categories.dropFirst().contains(category) else {
                    throw ArtifactDecodingError(
                        path: element.path.appending("category"),
                        problem: "'\(category)' is not a non-reference category of input '\(inputName)'"
                    )
                }
                encoding = .oneHot(category: category)
            case ("standardize", .numeric):
                let mean = try exactNumber(&object, decimal: "mean", hex: "mean_hex")
                let scale = try exactNumber(&object, decimal: "scale", hex: "scale_hex")
                guard scale != 0 else {
                    throw ArtifactDecodingError(path: element.path.appending("scale"), problem: "a standardize scale must not be zero")
                }
                encoding = .standardize(mean: mean, scale: scale)
            case ("one_hot", .numeric), ("standardize", .categorical):
                throw ArtifactDecodingError(
                    path: element.path.appending("encoding"),
                    problem: "'\(encodingName)' does not apply to the \(inputs[inputIndex].categories == nil ? "numeric" : "categorical") input '\(inputName)'"
                )
            default:
                throw ArtifactDecodingError(path: element.path.appending("encoding"), problem: "expected 'one_hot' or 'standardize', found '\(encodingName)'")
            }
            try object.finish()
            decoded.append(EncodedFeature(name: name, input: inputIndex, encoding: encoding))
        }
        return decoded
    }

    private static func decodeTerms(_ elements: [(value: JSONValue, path: FieldPath)], featureCount: Int) throws(ArtifactDecodingError) -> [ModelTerm] {
        var decoded: [ModelTerm] = []
        for element in elements {
            var object = try StrictObject(element.value, at: element.path)
            let indices = try object.array("features").map { item throws(ArtifactDecodingError) in
                let index = try StrictObject.int(item.value, at: item.path)
                guard (0..<featureCount).contains(index) else {
                    throw ArtifactDecodingError(path: item.path, problem: "feature index \(index) is out of range (the model has \(featureCount) features)")
                }
                return index
            }
            guard (1...2).contains(indices.count) else {
                throw ArtifactDecodingError(path: element.path.appending("features"), problem: "a term reads 1 or 2 features, found \(indices.count)")
            }
            let coefficient = try exactNumber(&object, decimal: "coefficient", hex: "coefficient_hex")
            let name = try object.optionalString("name")
            let sourceIndex = try object.optionalInt("source_index")
            try object.finish()
            decoded.append(ModelTerm(features: indices, coefficient: coefficient, name: name, sourceIndex: sourceIndex))
        }
        return decoded
    }

    private static func decodeCombinations(
        _ rows: [(value: JSONValue, path: FieldPath)], inputs: [ModelInput]
    ) throws(ArtifactDecodingError) -> [[String]] {
        var combinations: [[String]] = []
        for row in rows {
            let values = try StrictObject.array(row.value, at: row.path).map { item throws(ArtifactDecodingError) in
                try StrictObject.string(item.value, at: item.path)
            }
            guard values.count == inputs.count else {
                throw ArtifactDecodingError(path: row.path, problem: "expected \(inputs.count) values (one per input), found \(values.count)")
            }
            for (index, value) in values.enumerated() {
                if let categories = inputs[index].categories, !categories.contains(value) {
                    throw ArtifactDecodingError(
                        path: row.path.appending(index),
                        problem: "'\(value)' is not a category of input '\(inputs[index].name)'"
                    )
                }
            }
            combinations.append(values)
        }
        return combinations
    }

    // MARK: Scalars

    /// A number given twice: as a JSON number and as hexadecimal text. The hex text is the value; the
    /// decimal must name the same double, or the file was edited by hand and one of them is wrong.
    private static func exactNumber(_ object: inout StrictObject, decimal: String, hex: String) throws(ArtifactDecodingError) -> Double {
        let hexText = try object.string(hex)
        guard let value = HexFloat.parse(hexText) else {
            throw ArtifactDecodingError(
                path: object.path.appending(hex),
                problem: "'\(hexText)' is not a finite C99 hexadecimal float (e.g. -0x1.5111a4f9fa1f8p+43)"
            )
        }
        let decimalValue = try StrictObject.double(try object.requiredValue(decimal), at: object.path.appending(decimal))
        guard decimalValue == value else {
            throw ArtifactDecodingError(
                path: object.path.appending(decimal),
                problem: "\(decimalValue) differs from \(hex) \(hexText) = \(value); the two spellings must give the same double"
            )
        }
        return value
    }

    private static func nonEmptyString(_ object: inout StrictObject, _ key: String) throws(ArtifactDecodingError) -> String {
        let text = try object.string(key)
        guard !text.isEmpty else {
            throw ArtifactDecodingError(path: object.path.appending(key), problem: "must not be empty")
        }
        return text
    }

    private static func direction(_ object: inout StrictObject, _ key: String) throws(ArtifactDecodingError) -> OptimizationDirection {
        let text = try object.string(key)
        guard let direction = OptimizationDirection(rawValue: text) else {
            throw ArtifactDecodingError(path: object.path.appending(key), problem: "expected 'maximize' or 'minimize', found '\(text)'")
        }
        return direction
    }

    private static func requireConstant(_ object: inout StrictObject, _ key: String, _ expected: String) throws(ArtifactDecodingError) {
        let text = try object.string(key)
        guard text == expected else {
            throw ArtifactDecodingError(
                path: object.path.appending(key),
                problem: "expected '\(expected)' (the only behaviour format version \(formatVersion) defines), found '\(text)'"
            )
        }
    }
}
