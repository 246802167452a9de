import CompatCore

extension PerformanceModel {
    /// The model as a document in the published field order, every number written twice (shortest
    /// round-trip decimal and exact hexadecimal), so that decoding it gives this model back bit for bit.
    public var jsonValue: JSONValue {
        var root = JSONObject()
        root["format"] = .string(Self.format)
        root["format_version"] = .number(String(Self.formatVersion))
        root["name"] = .string(name)
        root["target"] = .string(target)
        root["target_description"] = .string(targetDescription)
        root["direction"] = .string(direction.rawValue)
        root["direction_source"] = .string(directionSource)
        root["inputs"] = .array(inputs.map { input in
            var object = JSONObject()
            object["name"] = .string(input.name)
            switch input.kind {
            case .categorical(let categories):
                object["kind"] = .string("categorical")
                object["categories"] = .array(categories.map { .string($0) })
                object["reference_category"] = .string(categories[0])
            case .numeric:
                object["kind"] = .string("numeric")
            }
            return .object(object)
        })
        root["features"] = .array(features.map { feature in
            var object = JSONObject()
            object["name"] = .string(feature.name)
            object["input"] = .string(inputs[feature.input].name)
            switch feature.encoding {
            case .oneHot(let category):
                object["encoding"] = .string("one_hot")
                object["category"] = .string(category)
            case .standardize(let mean, let scale):
                object["encoding"] = .string("standardize")
                Self.writeExact(mean, decimal: "mean", hex: "mean_hex", into: &object)
                Self.writeExact(scale, decimal: "scale", hex: "scale_hex", into: &object)
            }
            return .object(object)
        })
        root["terms"] = .array(terms.map { term in
            var object = JSONObject()
            object["features"] = .array(term.features.map { .number(String($0)) })
            Self.writeExact(term.coefficient, decimal: "coefficient", hex: "coefficient_hex", into: &object)
            if let name = term.name { object["name"] = .string(name) }
            if let sourceIndex = term.sourceIndex { object["source_index"] = .number(String(sourceIndex)) }
            return .object(object)
        })
        Self.writeExact(intercept, decimal: "intercept", hex: "intercept_hex", into: &root)
        root["unknown_category"] = .string("all_zero")
        root["missing_input"] = .string("reject")
        root["summation"] = .string("sequential")
        root["provenance"] = .object(provenance)
        if let seenInputCombinations {
            root["seen_input_combinations"] = .array(seenInputCombinations.map { row in .array(row.map { .string($0) }) })
        }
        return .object(root)
    }

    /// Writes `value` as `decimal` (Swift's shortest round-trip text, a valid JSON number) and `hex`.
    /// Only finite values reach here: every model number is finite by construction or by decoding.
    private static func writeExact(_ value: Double, decimal: String, hex: String, into object: inout JSONObject) {
        object[decimal] = .number(value.description)
        object[hex] = HexFloat.format(value).map { .string($0) } ?? .null
    }
}
