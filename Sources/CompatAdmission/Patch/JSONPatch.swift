import CompatCore

/// One RFC 6902 operation.
///
/// `add`, `replace` and `test` always carry a value, and it is always written, including `null`,
/// `false` and `""`: ocifit-k8s tagged its value field `omitempty` and so emitted `add` operations without
/// a value, which the API server cannot apply.
public enum JSONPatchOperation: Sendable, Equatable, CustomStringConvertible {
    case add(path: JSONPointer, value: JSONValue)
    case remove(path: JSONPointer)
    case replace(path: JSONPointer, value: JSONValue)
    case move(from: JSONPointer, path: JSONPointer)
    case copy(from: JSONPointer, path: JSONPointer)
    case test(path: JSONPointer, value: JSONValue)

    /// The `op` member's value.
    public var name: String {
        switch self {
        case .add: "add"
        case .remove: "remove"
        case .replace: "replace"
        case .move: "move"
        case .copy: "copy"
        case .test: "test"
        }
    }

    public var path: JSONPointer {
        switch self {
        case .add(let path, _), .remove(let path), .replace(let path, _), .move(_, let path), .copy(_, let path),
            .test(let path, _):
            path
        }
    }

    /// The operation as its JSON object, members in the conventional order `op`, `from`, `path`, `value`.
    public var jsonValue: JSONValue {
        var object = JSONObject()
        object["op"] = .string(name)
        switch self {
        case .move(let from, _), .copy(let from, _): object["from"] = .string(from.description)
        default: break
        }
        object["path"] = .string(path.description)
        switch self {
        case .add(_, let value), .replace(_, let value), .test(_, let value): object["value"] = value
        default: break
        }
        return .object(object)
    }

    /// `add /spec/nodeSelector` style summary for logs and error messages (no values: they can be large).
    public var description: String {
        switch self {
        case .move(let from, let path), .copy(let from, let path): "\(name) \(from) → \(path)"
        default: "\(name) \(path)"
        }
    }
}

/// An RFC 6902 JSON Patch document: operations applied in order, atomically.
public struct JSONPatch: Sendable, Equatable {
    public var operations: [JSONPatchOperation]

    public init(_ operations: [JSONPatchOperation] = []) {
        self.operations = operations
    }

    public var isEmpty: Bool { operations.isEmpty }

    /// Reads a patch document. Members an operation does not define are ignored (RFC 6902 §4); a missing
    /// or mistyped member that it does define is an error naming the operation's index.
    public init(decoding document: JSONValue) throws(JSONPatchError) {
        guard case .array(let elements) = document else {
            throw JSONPatchError(operationIndex: nil, problem: .malformed("a JSON Patch must be an array, found \(document.typeName)"))
        }
        var operations: [JSONPatchOperation] = []
        operations.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            operations.append(try Self.operation(element, index: index))
        }
        self.operations = operations
    }

    /// Parses and reads a patch from JSON text bytes.
    public init<Bytes: Collection>(decodingBytes bytes: Bytes) throws(JSONPatchError) where Bytes.Element == UInt8 {
        let document: JSONValue
        do {
            document = try JSONParser().parse(bytes)
        } catch {
            throw JSONPatchError(operationIndex: nil, problem: .malformed("the patch is not JSON: \(error)"))
        }
        try self.init(decoding: document)
    }

    public var jsonValue: JSONValue {
        .array(operations.map(\.jsonValue))
    }

    /// Compact JSON text of the patch.
    public func serialized() -> String {
        jsonValue.serialized()
    }

    /// The patch as the AdmissionResponse `patch` field carries it: the JSON bytes in standard base64.
    public var base64Encoded: String {
        Base64.encode(jsonValue.serializedBytes())
    }

    private static func operation(_ element: JSONValue, index: Int) throws(JSONPatchError) -> JSONPatchOperation {
        func fail(_ message: String) -> JSONPatchError {
            JSONPatchError(operationIndex: index, problem: .malformed(message))
        }
        guard case .object(let object) = element else {
            throw fail("an operation must be an object, found \(element.typeName)")
        }
        func pointer(_ member: String) throws(JSONPatchError) -> JSONPointer {
            guard let value = object[member] else { throw fail("missing '\(member)'") }
            guard case .string(let text) = value else { throw fail("'\(member)' must be a string, found \(value.typeName)") }
            do {
                return try JSONPointer(text)
            } catch {
                throw JSONPatchError(operationIndex: index, problem: .invalidPointer(error))
            }
        }
        func value() throws(JSONPatchError) -> JSONValue {
            guard let value = object["value"] else { throw fail("missing 'value'") }
            return value
        }
        guard let op = object["op"] else { throw fail("missing 'op'") }
        guard case .string(let name) = op else { throw fail("'op' must be a string, found \(op.typeName)") }
        switch name {
        case "add": return .add(path: try pointer("path"), value: try value())
        case "remove": return .remove(path: try pointer("path"))
        case "replace": return .replace(path: try pointer("path"), value: try value())
        case "move": return .move(from: try pointer("from"), path: try pointer("path"))
        case "copy": return .copy(from: try pointer("from"), path: try pointer("path"))
        case "test": return .test(path: try pointer("path"), value: try value())
        default: throw fail("unknown op '\(name)' (expected add, remove, replace, move, copy or test)")
        }
    }
}

/// Why a patch could not be read or applied, and which operation (0-based) failed.
public struct JSONPatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Error, Sendable, Equatable {
        /// The patch document itself is not a valid RFC 6902 document.
        case malformed(String)
        case invalidPointer(JSONPointerError)
        /// `remove`, `replace`, `test` or a `from` pointer named a location that does not exist.
        case missingTarget(JSONPointer)
        /// `add` (or the destination of `move`/`copy`) named a member of a container that does not exist.
        case missingParent(JSONPointer)
        /// A step of the pointer went through a string, number, boolean or null.
        case notAContainer(JSONPointer, found: String)
        /// An array step was not an index within bounds (or `-` outside `add`).
        case invalidArrayIndex(JSONPointer, token: String, count: Int)
        /// `move` asked to put a value inside itself.
        case moveIntoItself(from: JSONPointer, path: JSONPointer)
        /// `remove` of the whole document.
        case removeRoot
        case testFailed(JSONPointer, expected: JSONValue, found: JSONValue)
    }

    /// Index of the failing operation; `nil` when the document as a whole is wrong.
    public var operationIndex: Int?
    public var problem: Problem

    public init(operationIndex: Int?, problem: Problem) {
        self.operationIndex = operationIndex
        self.problem = problem
    }

    public var description: String {
        let prefix = operationIndex.map { "operation \($0): " } ?? ""
        switch problem {
        case .malformed(let message): return prefix + message
        case .invalidPointer(let error): return prefix + error.description
        case .missingTarget(let pointer): return prefix + "no value at '\(pointer)'"
        case .missingParent(let pointer):
            return prefix + "cannot add at '\(pointer)': its parent '\(pointer.parent ?? .root)' does not exist"
        case .notAContainer(let pointer, let found):
            return prefix + "'\(pointer)' is \(found), so it has no members or elements"
        case .invalidArrayIndex(let pointer, let token, let count):
            return prefix + "'\(token)' is not a valid index into the \(count)-element array at '\(pointer)'"
        case .moveIntoItself(let from, let path):
            return prefix + "cannot move '\(from)' into its own descendant '\(path)'"
        case .removeRoot: return prefix + "cannot remove the whole document"
        case .testFailed(let pointer, let expected, let found):
            return prefix + "test failed at '\(pointer)': expected \(expected.serialized()), found \(found.serialized())"
        }
    }
}
