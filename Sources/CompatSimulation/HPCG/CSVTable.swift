/// A CSV document as rows of cells (RFC 4180: quoted cells may hold commas, doubled quotes and line
/// breaks; `\n` and `\r\n` both end a record). A quote left open at the end of the text is an error.
struct CSVTable {
    var rows: [[String]]

    struct MalformedCSV: Error, Equatable {
        /// 1-based line where the unterminated quoted cell starts.
        var line: Int
    }

    init(parsing text: String) throws(MalformedCSV) {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var inQuotes = false
        var quoteStartLine = 1
        var line = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        var rowHasContent = false

        func nextScalar() -> Unicode.Scalar? {
            if let p = pending {
                pending = nil
                return p
            }
            return iterator.next()
        }

        while let c = nextScalar() {
            if inQuotes {
                if c == "\"" {
                    if let following = iterator.next() {
                        if following == "\"" {
                            cell.unicodeScalars.append("\"")
                        } else {
                            inQuotes = false
                            pending = following
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    cell.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                inQuotes = true
                quoteStartLine = line
                rowHasContent = true
            case ",":
                row.append(cell)
                cell = ""
                rowHasContent = true
            case "\r":
                continue
            case "\n":
                line += 1
                if rowHasContent || !cell.isEmpty {
                    row.append(cell)
                    rows.append(row)
                }
                row = []
                cell = ""
                rowHasContent = false
            default:
                cell.unicodeScalars.append(c)
                rowHasContent = true
            }
        }
        if inQuotes { throw MalformedCSV(line: quoteStartLine) }
        if rowHasContent || !cell.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        self.rows = rows
    }
}
