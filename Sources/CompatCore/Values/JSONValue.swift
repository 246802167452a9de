/// A JSON document as a value, keeping what a typed decoder would lose.
///
/// Artifacts are decoded strictly (unknown fields and wrong types are errors that name their path),
/// and admission objects must be patched against exactly the JSON that was received. Both need the
/// document itself: object member order, the exact text of numbers, and the difference between an
/// absent member, `null` and `{}`.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    /// The number exactly as written (JSON grammar), so `5.10` never becomes `5.1`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's JSON type, for error messages ("expected a string, found an array").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// Member lookup on an object; `nil` for any other type or an absent member.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

/// A JSON object that remembers member order (for faithful re-serialisation).
///
/// Duplicate member names keep the last value, as Go's `encoding/json` (and so the API server) does,
/// at the position of the first occurrence.
///
/// Layout, chosen for the objects an admission webhook handles (a few KB, mostly 1 to 15 members):
/// the members live in one contiguous array, so an object costs one allocation and no hashing.
/// Small objects are searched linearly; an object with more than ``indexThreshold`` members also
/// keeps a `[String: Int]` index, so a hostile 100 000-member object is still parsed and read in
/// O(n). Both searches compare keys with `String.==` (canonical equivalence), exactly the equality a
/// `Dictionary<String, _>` uses, so lookups do not depend on the object's size.
public struct JSONObject: Sendable, Equatable, Hashable {
    /// Largest object searched linearly. Comparing up to 16 short keys is cheaper than hashing one
    /// key and allocating a hash table.
    static let indexThreshold = 16

    /// Members in document order, keys unique under `String.==`.
    private var storage: [(key: String, value: JSONValue)]
    /// Position of each key in `storage`; non-nil exactly when `storage.count > indexThreshold`.
    private var index: [String: Int]?

    public init() {
        storage = []
        index = nil
    }

    public init(_ members: [(String, JSONValue)]) {
        self.init()
        storage.reserveCapacity(members.count)
        for (k, v) in members { self[k] = v }
    }

    /// Members the caller has already made unique (the parser does, as it reads them), with the
    /// index that must accompany more than ``indexThreshold`` of them.
    init(uniqueMembers: [(key: String, value: JSONValue)], index: [String: Int]?) {
        assert((index != nil) == (uniqueMembers.count > Self.indexThreshold))
        storage = uniqueMembers
        self.index = index
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Member names in document order.
    public var keys: [String] { storage.map(\.key) }

    /// Members in document order.
    public var members: [(key: String, value: JSONValue)] { storage }

    /// Where `key` is in `storage`.
    @inline(__always)
    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return storage.firstIndex { $0.key == key }
    }

    private static func makeIndex(_ members: [(key: String, value: JSONValue)]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(members.count)
        for (i, member) in members.enumerated() { index[member.key] = i }
        return index
    }

    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return storage[i].value
        }
        set {
            if let newValue {
                if let i = position(of: key) {
                    storage[i].value = newValue
                } else {
                    storage.append((key, newValue))
                    if index != nil {
                        index![key] = storage.count - 1
                    } else if storage.count > Self.indexThreshold {
                        index = Self.makeIndex(storage)
                    }
                }
            } else if let i = position(of: key) {
                storage.remove(at: i)
                // Positions after `i` moved; removal was O(n) before the index existed too.
                index = storage.count > Self.indexThreshold ? Self.makeIndex(storage) : nil
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        // Member order is presentation, not meaning: {"a":1,"b":2} equals {"b":2,"a":1}.
        // Keys are unique on both sides, so "same count and every member of lhs is in rhs with an
        // equal value" is the dictionary equality this had when members were stored in one.
        guard lhs.storage.count == rhs.storage.count else { return false }
        // Objects compared are usually in the same order: walk both while they agree…
        var i = 0
        let n = lhs.storage.count
        while i < n, lhs.storage[i].key == rhs.storage[i].key {
            guard lhs.storage[i].value == rhs.storage[i].value else { return false }
            i += 1
        }
        // …then look the rest up.
        while i < n {
            guard let j = rhs.position(of: lhs.storage[i].key), rhs.storage[j].value == lhs.storage[i].value else {
                return false
            }
            i += 1
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with `==`: each member hashed on its own (from the same seed),
        // combined commutatively, as `Dictionary` does.
        var commutative = 0
        for member in storage {
            var element = hasher
            element.combine(member.key)
            element.combine(member.value)
            commutative ^= element.finalize()
        }
        hasher.combine(commutative)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByIntegerLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
}
