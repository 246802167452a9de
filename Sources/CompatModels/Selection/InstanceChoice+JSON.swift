import CompatCore

extension InstanceChoice {
    /// The choice as a JSON document: the chosen node, the instance selector, the reason, and every
    /// candidate with its exact score (`score_hex`), input problems and out-of-distribution findings.
    public var jsonValue: JSONValue {
        var root = JSONObject()
        root["model"] = .string(model)
        root["direction"] = .string(direction.rawValue)
        if let seed { root["seed"] = .number(String(seed)) }
        root["instance"] = .string(chosen.identity)
        root["instance-selector"] = chosen.instanceSelector.map { .string($0) } ?? .null
        root["instance_index"] = .number(String(chosen.index))
        root["arch"] = chosen.architecture.map { .string($0) } ?? .null
        root["score"] = jsonNumber(chosen.score)
        root["chose_out_of_distribution"] = .bool(choseOutOfDistribution)
        root["unguarded_choice"] = unguardedChoice.map { .object(JSONObject([
            ("instance", .string($0.identity)), ("instance_index", .number(String($0.index))), ("score", jsonNumber($0.score)),
        ])) } ?? .null
        root["reason"] = .string(reason)
        root["control_plane_nodes"] = .array(controlPlaneNodes.map { .number(String($0)) })
        root["nodes"] = .array(candidates.map(Self.node))
        return .object(root)
    }

    private static func node(_ node: CandidateNode) -> JSONValue {
        var object = JSONObject()
        object["index"] = .number(String(node.index))
        object["instance"] = .string(node.identity)
        object["instance-selector"] = node.instanceSelector.map { .string($0) } ?? .null
        object["score"] = jsonNumber(node.score)
        object["score_hex"] = node.score.flatMap(HexFloat.format).map { .string($0) } ?? .null
        object["in_distribution"] = .bool(node.assessment.isInDistribution)
        if let seen = node.assessment.inputCombinationSeen { object["input_combination_seen"] = .bool(seen) }
        object["out_of_distribution"] = .array(node.assessment.outOfDistribution.map { finding in
            .object(JSONObject([
                ("kind", .string(finding.kind.rawValue)),
                ("inputs", .array(finding.inputs.map { .string($0) })),
                ("values", .array(finding.values.map { .string($0) })),
            ]))
        })
        object["input_problems"] = .array(node.assessment.inputProblems.map { problem in
            var entry = JSONObject([("input", .string(problem.input)), ("reason", .string(problem.reason.rawValue))])
            if let value = problem.value { entry["value"] = .string(value) }
            return .object(entry)
        })
        return .object(object)
    }
}
