import CompatModels
import Testing

@Suite struct CSVTableTests {
    @Test func readsQuotedFieldsCRLFAndAMissingFinalNewline() throws {
        let table = try CSVTable(parsing: Array(",a,b\r\nx,\"1,5\",\"say \"\"hi\"\"\"\r\ny,\"two\nlines\",\r\nz,3,4".utf8))
        #expect(table.header == ["", "a", "b"])
        #expect(table.rows == [["x", "1,5", "say \"hi\""], ["y", "two\nlines", ""], ["z", "3", "4"]])
    }

    @Test func rejectsARowOfTheWrongWidthNamingItsLine() {
        #expect(throws: CSVError(line: 3, problem: "2 fields, but the header has 3")) {
            try CSVTable(parsing: Array("a,b,c\n1,2,3\n4,5\n".utf8))
        }
    }

    @Test func rejectsBrokenQuoting() {
        #expect(throws: CSVError(line: 2, problem: "a quoted field is never closed")) { try CSVTable(parsing: Array("a\n\"open\n".utf8)) }
        #expect(throws: CSVError.self) { try CSVTable(parsing: Array("a,b\nx\"y,1\n".utf8)) }
        #expect(throws: CSVError.self) { try CSVTable(parsing: Array("a,b\n\"x\"y,1\n".utf8)) }
        #expect(throws: CSVError(line: 1, problem: "the file is empty (a header row is required)")) { try CSVTable(parsing: [UInt8]()) }
    }
}
