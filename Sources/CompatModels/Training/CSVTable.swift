/// A CSV document (RFC 4180): a header row and data rows of equal width.
///
/// Quoted fields may hold commas, doubled quotes and line breaks; lines end with LF or CRLF; a final line
/// break is optional. pandas writes the HPCG study files this way (an unnamed index column first).
public struct CSVTable: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Parses UTF-8 CSV text. A row whose width differs from the header's is an error naming its line.
    public init<Bytes: Collection>(parsing bytes: Bytes) throws(CSVError) where Bytes.Element == UInt8 {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var index = bytes.startIndex

        func endField() throws(CSVError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw CSVError(line: line, problem: "field \(fields.count + 1) is not valid UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            afterQuote = false
        }

        while index != bytes.endIndex {
            let byte = bytes[index]
            bytes.formIndex(after: &index)
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index != bytes.endIndex, bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        bytes.formIndex(after: &index)
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                try endField()
            case UInt8(ascii: "\n"):
                if field.last == UInt8(ascii: "\r") && !afterQuote { field.removeLast() }
                try endField()
                records.append((recordLine, fields))
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            case UInt8(ascii: "\""):
                guard field.isEmpty, !afterQuote else {
                    throw CSVError(line: line, problem: "a quote inside an unquoted field (quote the whole field and double inner quotes)")
                }
                inQuotes = true
            default:
                if afterQuote && byte != UInt8(ascii: "\r") {
                    throw CSVError(line: line, problem: "text after a closing quote in field \(fields.count + 1)")
                }
                if !afterQuote { field.append(byte) }
            }
        }
        if inQuotes { throw CSVError(line: recordLine, problem: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || afterQuote {
            if field.last == UInt8(ascii: "\r") && !afterQuote { field.removeLast() }
            try endField()
            records.append((recordLine, fields))
        }
        guard let first = records.first else { throw CSVError(line: 1, problem: "the file is empty (a header row is required)") }
        for record in records.dropFirst() where record.fields.count != first.fields.count {
            throw CSVError(line: record.line, problem: "\(record.fields.count) fields, but the header has \(first.fields.count)")
        }
        header = first.fields
        rows = records.dropFirst().map(\.fields)
    }
}

/// Why CSV text cannot be read.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var problem: String

    public init(line: Int, problem: String) {
        self.line = line
        self.problem = problem
    }

    public var description: String { "CSV line \(line): \(problem)" }
}
