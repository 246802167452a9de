import CompatCore

/// Builds a JSON Patch against the exact document received, keeping a shadow copy with every emitted
/// operation applied.
///
/// Because each decision looks at the shadow, a later change sees the parents an earlier one created, so
/// the builder never adds the same map twice (ocifit-k8s emitted two `add /spec` operations, and the
/// second erased the first). Every operation is applied to the shadow as it is emitted, so a patch the
/// builder returns is known to apply to the original document.
public struct JSONPatchBuilder: Sendable {
    /// The original document with every operation so far applied.
    public private(set) var document: JSONValue
    public private(set) var patch = JSONPatch()

    public init(document: JSONValue) {
        self.document = document
    }

    /// Makes the value at `pointer` equal `value`, emitting at most one operation:
    ///
    /// - nothing, when it already is equal (so a second run over the output emits nothing);
    /// - `replace`, when a different value exists there;
    /// - `add` of the member, when the parent object exists and lacks it;
    /// - `add` of the whole nested map at the first missing ancestor (`add /spec/flux
    ///   {"container":{"image":…}}`), or `replace` of the first ancestor that is `null`.
    ///
    /// Ancestors that are arrays must already hold the indexed element: the builder never invents array
    /// elements. An ancestor that is a string, number or boolean is an error, since changing it would
    /// destroy what the user wrote.
    public mutating func set(_ value: JSONValue, at pointer: JSONPointer) throws(JSONPatchBuildError) {
        var current = document
        var walked = JSONPointer.root
        for (depth, token) in pointer.tokens.enumerated() {
            switch current {
            case .object(let object):
                let isTarget = depth == pointer.tokens.count - 1
                let here = walked.appending(token)
                guard let member = object[token], member != .null || isTarget else {
                    // The first absent (or null) step: create everything below it in one operation.
                    let nested = pointer.tokens[(depth + 1)...].reversed().reduce(value) { inner, key in
                        .object(JSONObject([(key, inner)]))
                    }
                    try emit(object[token] == nil ? .add(path: here, value: nested) : .replace(path: here, value: nested))
                    return
                }
                if isTarget {
                    if member != value { try emit(.replace(path: here, value: value)) }
                    return
                }
                current = member
                walked = here
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token) else {
                    throw JSONPatchBuildError(pointer: pointer, problem: "'\(walked)' is an array, not an object")
                }
                guard index < elements.count else {
                    throw JSONPatchBuildError(pointer: pointer, problem: "'\(walked)' has \(elements.count) elements, so '\(token)' does not name one")
                }
                if depth == pointer.tokens.count - 1 {
                    if elements[index] != value { try emit(.replace(path: walked.appending(token), value: value)) }
                    return
                }
                current = elements[index]
                walked = walked.appending(token)
            default:
                throw JSONPatchBuildError(pointer: pointer, problem: "'\(walked)' is \(current.typeName), not an object")
            }
        }
        if current != value { try emit(.replace(path: pointer, value: value)) }
    }

    private mutating func emit(_ operation: JSONPatchOperation) throws(JSONPatchBuildError) {
        do {
            document = try JSONPatch([operation]).apply(to: document)
        } catch {
            throw JSONPatchBuildError(pointer: operation.path, problem: "the operation would not apply (\(error))")
        }
        patch.operations.append(operation)
    }
}

/// A change the builder cannot express without destroying part of the document.
public struct JSONPatchBuildError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pointer: JSONPointer
    public var problem: String

    public init(pointer: JSONPointer, problem: String) {
        self.pointer = pointer
        self.problem = problem
    }

    public var description: String { "cannot set '\(pointer)': \(problem)" }
}
