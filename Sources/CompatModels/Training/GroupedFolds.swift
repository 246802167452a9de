/// Cross-validation folds that hold out whole instance types.
///
/// Rows of one instance type share its labels, so a row-level split would put the same instance type on
/// both sides and measure interpolation between its own runs. Holding out whole instance types measures
/// what selection needs: how well the model predicts an instance type it has not seen.
///
/// Instance types are sorted (byte-wise) and dealt round-robin, so fold `k` holds the types at sorted
/// positions `k, k+K, k+2K, …`. With `K` equal to the number of instance types this is
/// leave-one-instance-type-out.
public struct GroupedFolds: Sendable, Hashable {
    /// Per fold, the instance types it holds out.
    public let heldOut: [[String]]
    private let foldOfType: [String: Int]

    /// - Parameter count: the number of folds, `2...instanceTypes.count`.
    public init(instanceTypes: [String], count: Int) throws(TrainingDataError) {
        let distinct = Array(Set(instanceTypes)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard distinct.count >= 2 else {
            throw TrainingDataError("grouped cross-validation needs at least 2 instance types, found \(distinct.count)")
        }
        guard (2...distinct.count).contains(count) else {
            throw TrainingDataError("--folds must be between 2 and the number of instance types (\(distinct.count)), found \(count)")
        }
        var folds = Array(repeating: [String](), count: count)
        var map: [String: Int] = [:]
        for (position, type) in distinct.enumerated() {
            folds[position % count].append(type)
            map[type] = position % count
        }
        heldOut = folds
        foldOfType = map
    }

    public var count: Int { heldOut.count }

    /// The fold that holds out `instanceType`.
    public func fold(of instanceType: String) -> Int? {
        foldOfType[instanceType]
    }
}
