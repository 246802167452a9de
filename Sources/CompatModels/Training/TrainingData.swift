/// Labelled runs to fit or evaluate a model on: per row, the node-label values a model may read, the
/// instance type the run was on, and the measured target.
///
/// Read from the HPCG study's CSV files: the first column is the row id `instance.build.iteration`
/// (`hpc7g.16xlarge.cortex-a72-Og.0.0`), whose first two dot-separated parts are the AWS instance type
/// (`family.size`); the model inputs are the node-feature-discovery label columns; the target is
/// `y_actual`. Build and eBPF columns are ignored: a node's labels are all a model sees when choosing.
public struct TrainingData: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        public var id: String
        public var instanceType: String
        /// One value per ``TrainingData/inputs`` entry.
        public var values: [String]
        public var target: Double

        public init(id: String, instanceType: String, values: [String], target: Double) {
            self.id = id
            self.instanceType = instanceType
            self.values = values
            self.target = target
        }
    }

    /// Label keys, in column order.
    public var inputs: [String]
    public var rows: [Row]

    public static let defaultInputPrefix = "feature.node.kubernetes.io/"
    public static let defaultTargetColumn = "y_actual"

    public init(inputs: [String], rows: [Row]) {
        self.inputs = inputs
        self.rows = rows
    }

    /// Selects the columns of a study CSV: inputs are the columns named with `inputPrefix`, the target
    /// is `targetColumn`, and the row id is the first column.
    public init(
        table: CSVTable, inputPrefix: String = defaultInputPrefix, targetColumn: String = defaultTargetColumn
    ) throws(TrainingDataError) {
        let inputColumns = table.header.indices.filter { table.header[$0].hasPrefix(inputPrefix) }
        guard !inputColumns.isEmpty else {
            throw TrainingDataError("no input columns: no header starts with '\(inputPrefix)'")
        }
        guard let targetIndex = table.header.firstIndex(of: targetColumn) else {
            throw TrainingDataError("no target column '\(targetColumn)' in the header")
        }
        guard !table.rows.isEmpty else { throw TrainingDataError("the CSV has a header but no data rows") }
        let names = inputColumns.map { table.header[$0] }
        if let duplicate = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) }) {
            throw TrainingDataError("input column '\(duplicate.element)' appears twice in the header")
        }
        inputs = names
        var decoded: [Row] = []
        decoded.reserveCapacity(table.rows.count)
        for (offset, fields) in table.rows.enumerated() {
            let dataLine = offset + 2
            let id = fields[0]
            let parts = id.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 3, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw TrainingDataError("row \(dataLine): id '\(id)' is not 'instance.build.iteration' with an instance type 'family.size'")
            }
            guard let target = Double(fields[targetIndex]), target.isFinite else {
                throw TrainingDataError("row \(dataLine): \(targetColumn) '\(fields[targetIndex])' is not a finite number")
            }
            decoded.append(Row(id: id, instanceType: "\(parts[0]).\(parts[1])", values: inputColumns.map { fields[$0] }, target: target))
        }
        rows = decoded
    }

    /// Instance types in order of first appearance.
    public var instanceTypes: [String] {
        var seen: Set<String> = []
        return rows.map(\.instanceType).filter { seen.insert($0).inserted }
    }

    /// Distinct input tuples in order of first appearance.
    public var distinctInputTuples: [[String]] {
        var seen: Set<[String]> = []
        return rows.map(\.values).filter { seen.insert($0).inserted }
    }

    /// A row's values as a node label map.
    public func labels(of row: Row) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(inputs, row.values))
    }
}

/// Why a CSV cannot be used as training data.
public struct TrainingDataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
