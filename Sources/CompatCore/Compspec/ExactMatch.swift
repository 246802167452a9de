/// One `--match KEY=VALUE` criterion of compspec's `match`: the attribute's full name and the exact
/// value it must have.
public struct MatchCriterion: Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses `KEY=VALUE`, splitting at the first `=` (values may contain `=`). compspec-go panics on an
    /// argument without `=`; here it is an error that says what form is expected.
    public init(parsing argument: String) throws(MatchCriterionError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw MatchCriterionError(argument: argument, problem: "it has no '='; write KEY=VALUE, e.g. org.supercontainers.os.version=22.04")
        }
        let key = String(argument[..<equals]).trimmingSpaces
        guard !key.isEmpty else {
            throw MatchCriterionError(argument: argument, problem: "the key before '=' is empty; write KEY=VALUE, e.g. io.archspec.cpu.target=amd64")
        }
        self.init(key: key, value: String(argument[argument.index(after: equals)...]))
    }

    public var description: String { "\(key)=\(value)" }
}

public struct MatchCriterionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var argument: String
    public var problem: String

    public var description: String { "--match '\(argument)' is not a criterion: \(problem)" }
}

/// Why compspec-style exact matching found nothing, naming the criterion responsible.
public enum ExactMatchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No image in the catalog has the attribute at all (often a misspelt key).
    case unknownKey(MatchCriterion, knownKeys: [String])
    /// Some images have the attribute, none with this value.
    case unknownValue(MatchCriterion, knownValues: [String])
    /// Images have this value, but none of those that matched the earlier criteria.
    case emptied(MatchCriterion, matchedBefore: [String], valuesAmongThem: [String])

    public var description: String {
        switch self {
        case .unknownKey(let c, let keys):
            return "field '\(c.key)' is not known and cannot be matched: no image has it (attributes present: \(keys.joined(separator: ", ")))"
        case .unknownValue(let c, let values):
            return "field '\(c)' is not known and cannot be matched: no image has \(c.key)='\(c.value)' (values present: \(values.map { "'\($0)'" }.joined(separator: ", ")))"
        case .emptied(let c, let before, let values):
            let among = values.isEmpty ? "none of them has '\(c.key)'" : "their values of '\(c.key)': \(values.map { "'\($0)'" }.joined(separator: ", "))"
            return "adding field '\(c)' empties the match set: \(before.count) image(s) matched the criteria before it, and \(among)"
        }
    }
}

/// compspec-go's `match` semantics (compspec.md §3), deterministic: each criterion selects the images
/// whose attribute equals the value exactly, and the selections are intersected in order. No criteria
/// select every image. Results keep catalog order.
///
/// One departure, where compspec-go's exactness defeats its purpose: `io.archspec.cpu.target` names the
/// host's CPU, and an image matches when that CPU runs the image's build under archspec's relation
/// (``CPUTarget/runs(_:)``), so `compat extract`'s `zen3` finds `amd64`, `x86_64_v3` and `zen2` builds.
public enum ExactMatcher {
    /// Whether `image` satisfies `criterion`.
    static func satisfies(_ image: CatalogImage, _ criterion: MatchCriterion) -> Bool {
        guard let value = image.attributes.flat[criterion.key] else { return false }
        if criterion.key == cpuTargetKey {
            return CPUTarget(name: criterion.value).runs(CPUTarget(name: value))
        }
        return value == criterion.value
    }

    static let cpuTargetKey = ImageAttributes.archspec + ".cpu.target"

    public static func match(_ criteria: [MatchCriterion], in catalog: ImageCatalog) -> Result<[CatalogImage], ExactMatchFailure> {
        var remaining = catalog.images
        for criterion in criteria {
            let having = catalog.images.filter { satisfies($0, criterion) }
            if having.isEmpty {
                let values = Set(catalog.images.compactMap { $0.attributes.flat[criterion.key] })
                if values.isEmpty {
                    let keys = Set(catalog.images.flatMap { $0.attributes.flat.keys })
                    return .failure(.unknownKey(criterion, knownKeys: keys.sorted()))
                }
                return .failure(.unknownValue(criterion, knownValues: values.sorted()))
            }
            let names = Set(having.map(\.name))
            let next = remaining.filter { names.contains($0.name) }
            if next.isEmpty {
                let values = Set(remaining.compactMap { $0.attributes.flat[criterion.key] })
                return .failure(.emptied(criterion, matchedBefore: remaining.map(\.name), valuesAmongThem: values.sorted()))
            }
            remaining = next
        }
        return .success(remaining)
    }
}
