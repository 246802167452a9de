import CompatCore

extension JSONPatch {
    /// Applies the operations in order with RFC 6902 semantics and returns the patched document.
    ///
    /// Atomic: when any operation fails nothing is returned, and the error names that operation.
    /// Semantics the API server's library (evanphx/json-patch) shares: `add` on an existing member
    /// replaces it, `add` needs the parent to exist, `replace`/`remove`/`test` need the target to exist,
    /// array `add` inserts (`-` appends). Non-standard leniencies (negative indices) are not accepted.
    public func apply(to document: JSONValue) throws(JSONPatchError) -> JSONValue {
        var result = document
        for (index, operation) in operations.enumerated() {
            do {
                try PatchEngine.apply(operation, to: &result)
            } catch {
                throw JSONPatchError(operationIndex: index, problem: error)
            }
        }
        return result
    }
}

extension JSONValue {
    /// Equality as RFC 6902 `test` defines it: numbers by numeric value (`1` equals `1.0` and `10e-1`),
    /// strings by Unicode code points, objects by members regardless of order, arrays element-wise.
    public func isPatchEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return DecimalText(a).map { $0 == DecimalText(b) } ?? (a == b)
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isPatchEqual(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.members {
                guard let counterpart = b[key], value.isPatchEqual(to: counterpart) else { return false }
            }
            return true
        default: return false
        }
    }
}

/// A JSON number reduced to sign, significant digits and exponent, so equal values compare equal
/// whatever their spelling. `nil` for text that is not a JSON number or whose exponent overflows.
private struct DecimalText: Equatable {
    var negative: Bool
    var digits: [UInt8]
    var exponent: Int

    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let integer = bytes.prefix(while: isDigit)
        guard !integer.isEmpty else { return nil }
        bytes = bytes.dropFirst(integer.count)
        var fraction: ArraySlice<UInt8> = []
        if bytes.first == UInt8(ascii: ".") {
            fraction = bytes.dropFirst().prefix(while: isDigit)
            guard !fraction.isEmpty else { return nil }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        var written = 0
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var exponentNegative = false
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            let exponentDigits = bytes.prefix(while: isDigit)
            guard !exponentDigits.isEmpty, let magnitude = Int(String(decoding: exponentDigits, as: UTF8.self)) else {
                return nil
            }
            written = exponentNegative ? -magnitude : magnitude
            bytes = bytes.dropFirst(exponentDigits.count)
        }
        guard bytes.isEmpty else { return nil }
        var significant = Array(integer) + Array(fraction)
        let leadingZeros = significant.prefix(while: { $0 == 0x30 }).count
        significant.removeFirst(leadingZeros)
        guard !significant.isEmpty else {
            // Every spelling of zero, including -0, is the same value.
            (negative, digits, exponent) = (false, [], 0)
            return
        }
        let trailingZeros = significant.reversed().prefix(while: { $0 == 0x30 }).count
        significant.removeLast(trailingZeros)
        let (shifted, overflow) = written.subtractingReportingOverflow(fraction.count)
        let (adjusted, overflow2) = shifted.addingReportingOverflow(trailingZeros)
        guard !overflow, !overflow2 else { return nil }
        digits = significant
        exponent = adjusted
    }
}

/// The six operations over an in-memory document.
///
/// Containers are detached from the enclosing value before they are changed (`value = .null` first), so
/// each step mutates uniquely referenced storage instead of copying it. A failed operation may leave the
/// working copy half-changed; ``JSONPatch/apply(to:)`` discards it, which keeps patches atomic.
private enum PatchEngine {
    typealias Problem = JSONPatchError.Problem

    static func apply(_ operation: JSONPatchOperation, to document: inout JSONValue) throws(Problem) {
        switch operation {
        case .add(let path, let value):
            try add(value, at: path, in: &document)
        case .remove(let path):
            _ = try remove(at: path, in: &document)
        case .replace(let path, let value):
            try replace(at: path, with: value, in: &document)
        case .move(let from, let path):
            if from == path {
                _ = try value(at: from, in: document)
                return
            }
            if from.isProperPrefix(of: path) { throw .moveIntoItself(from: from, path: path) }
            let moved = try remove(at: from, in: &document)
            try add(moved, at: path, in: &document)
        case .copy(let from, let path):
            try add(try value(at: from, in: document), at: path, in: &document)
        case .test(let path, let expected):
            let found = try value(at: path, in: document)
            guard found.isPatchEqual(to: expected) else { throw .testFailed(path, expected: expected, found: found) }
        }
    }

    static func value(at pointer: JSONPointer, in document: JSONValue) throws(Problem) -> JSONValue {
        var current = document
        var walked = JSONPointer.root
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                guard let member = object[token] else { throw .missingTarget(pointer) }
                current = member
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token) else {
                    throw .invalidArrayIndex(walked, token: token, count: elements.count)
                }
                guard index < elements.count else { throw .missingTarget(pointer) }
                current = elements[index]
            default:
                throw .notAContainer(walked, found: current.typeName)
            }
            walked = walked.appending(token)
        }
        return current
    }

    static func add(_ value: JSONValue, at path: JSONPointer, in document: inout JSONValue) throws(Problem) {
        guard let parent = path.parent, let last = path.tokens.last else {
            document = value
            return
        }
        do {
            try modify(&document, tokens: parent.tokens[...], walked: .root) { (container: inout JSONValue) throws(Problem) in
                switch container {
                case .object(var object):
                    container = .null
                    object[last] = value
                    container = .object(object)
                case .array(var elements):
                    let index: Int
                    if last == "-" {
                        index = elements.count
                    } else if let parsed = JSONPointer.arrayIndex(last), parsed <= elements.count {
                        index = parsed
                    } else {
                        throw .invalidArrayIndex(parent, token: last, count: elements.count)
                    }
                    container = .null
                    elements.insert(value, at: index)
                    container = .array(elements)
                default:
                    throw .notAContainer(parent, found: container.typeName)
                }
            }
        } catch .missingTarget {
            throw .missingParent(path)
        }
    }

    static func remove(at path: JSONPointer, in document: inout JSONValue) throws(Problem) -> JSONValue {
        guard let parent = path.parent, let last = path.tokens.last else { throw .removeRoot }
        var removed = JSONValue.null
        try modify(&document, tokens: parent.tokens[...], walked: .root) { (container: inout JSONValue) throws(Problem) in
            switch container {
            case .object(var object):
                guard let member = object[last] else { throw .missingTarget(path) }
                container = .null
                object[last] = nil
                removed = member
                container = .object(object)
            case .array(var elements):
                let index = try existingIndex(last, in: elements, at: parent)
                container = .null
                removed = elements.remove(at: index)
                container = .array(elements)
            default:
                throw .notAContainer(parent, found: container.typeName)
            }
        }
        return removed
    }

    static func replace(at path: JSONPointer, with value: JSONValue, in document: inout JSONValue) throws(Problem) {
        guard let parent = path.parent, let last = path.tokens.last else {
            document = value
            return
        }
        try modify(&document, tokens: parent.tokens[...], walked: .root) { (container: inout JSONValue) throws(Problem) in
            switch container {
            case .object(var object):
                guard object[last] != nil else { throw .missingTarget(path) }
                container = .null
                object[last] = value
                container = .object(object)
            case .array(var elements):
                let index = try existingIndex(last, in: elements, at: parent)
                container = .null
                elements[index] = value
                container = .array(elements)
            default:
                throw .notAContainer(parent, found: container.typeName)
            }
        }
    }

    private static func existingIndex(_ token: String, in elements: [JSONValue], at pointer: JSONPointer) throws(Problem) -> Int {
        guard let index = JSONPointer.arrayIndex(token), index < elements.count else {
            throw .invalidArrayIndex(pointer, token: token, count: elements.count)
        }
        return index
    }

    /// Runs `body` on the value `tokens` address below `value`, writing changes back up the path.
    private static func modify(
        _ value: inout JSONValue,
        tokens: ArraySlice<String>,
        walked: JSONPointer,
        _ body: (inout JSONValue) throws(Problem) -> Void
    ) throws(Problem) {
        guard let token = tokens.first else {
            try body(&value)
            return
        }
        let next = walked.appending(token)
        switch value {
        case .object(var object):
            guard var child = object[token] else { throw .missingTarget(next) }
            value = .null
            object[token] = .null
            try modify(&child, tokens: tokens.dropFirst(), walked: next, body)
            object[token] = child
            value = .object(object)
        case .array(var elements):
            guard let index = JSONPointer.arrayIndex(token) else {
                throw .invalidArrayIndex(walked, token: token, count: elements.count)
            }
            guard index < elements.count else { throw .missingTarget(next) }
            var child = elements[index]
            value = .null
            elements[index] = .null
            try modify(&child, tokens: tokens.dropFirst(), walked: next, body)
            elements[index] = child
            value = .array(elements)
        default:
            throw .notAContainer(walked, found: value.typeName)
        }
    }
}
