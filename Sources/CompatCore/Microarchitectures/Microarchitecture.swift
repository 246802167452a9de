/// One CPU microarchitecture of archspec's graph (`zen3`, `x86_64_v3`, `neoverse_n1`): what it descends
/// from, who makes it, and the CPU features code built for it may use.
public struct Microarchitecture: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// Direct parents (`from`): the microarchitectures whose code this one also runs.
    public var parents: [String]
    /// `GenuineIntel`, `AuthenticAMD`, `ARM`, … or `generic` for architecture levels.
    public var vendor: String
    /// Feature flags as `/proc/cpuinfo` spells them (`avx2`, `asimd`).
    public var features: Set<String>
    /// ARM `CPU part` (`0xd0c`), when archspec knows it.
    public var cpuPart: String?

    public var description: String { name }
}

/// archspec's microarchitecture graph (`microarchitectures.json`) and its two relations: which builds
/// a host runs (a build for a microarchitecture runs on it and on its descendants), and which
/// microarchitecture a host is (archspec's detection from `/proc/cpuinfo`).
public struct MicroarchitectureCatalog: Sendable {
    /// In the document's order (archspec breaks detection ties by it).
    public let microarchitectures: [Microarchitecture]
    private let byName: [String: Int]
    /// Every ancestor of each microarchitecture (transitively), by name.
    private let ancestorsByName: [String: Set<String>]
    /// ARM implementer code (`0x41`) → vendor (`ARM`), archspec's `conversions.arm_vendors`.
    public let armVendors: [String: String]

    /// The graph shipped in `artifacts/archspec/microarchitectures.json` (archspec 0.2.7), compiled in.
    public static let archspec: MicroarchitectureCatalog = {
        do {
            return try MicroarchitectureCatalog(decoding: ArchspecData.microarchitecturesJSON)
        } catch {
            // The compiled-in document is checked by a test; a broken one is a build defect.
            preconditionFailure("the compiled-in archspec data does not decode: \(error)")
        }
    }()

    /// Decodes archspec's `microarchitectures.json`. Only what selection needs is read (`compilers` and
    /// `feature_aliases` are skipped); a parent that is not in the graph, or a cycle, is an error.
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        let document = try DocumentDecoder.decode(bytes, format: .json)
        let root = FieldPath()
        guard case .object(let top) = document else {
            throw ArtifactDecodingError(path: root, problem: "expected an object, found \(document.typeName)")
        }
        guard case .object(let entries)? = top["microarchitectures"] else {
            throw ArtifactDecodingError(path: root.appending("microarchitectures"), problem: "expected an object of microarchitectures")
        }
        var list: [Microarchitecture] = []
        for (name, value) in entries.members {
            let path = root.appending("microarchitectures").appending(name)
            guard case .object(let entry) = value else { throw ArtifactDecodingError(path: path, problem: "expected an object, found \(value.typeName)") }
            func strings(_ key: String) throws(ArtifactDecodingError) -> [String] {
                guard let item = entry[key] else { throw ArtifactDecodingError(path: path, problem: "missing required field '\(key)'") }
                return try StrictObject.array(item, at: path.appending(key)).map { element throws(ArtifactDecodingError) in
                    try StrictObject.string(element.value, at: element.path)
                }
            }
            guard let vendorValue = entry["vendor"] else { throw ArtifactDecodingError(path: path, problem: "missing required field 'vendor'") }
            list.append(Microarchitecture(
                name: name, parents: try strings("from"), vendor: try StrictObject.string(vendorValue, at: path.appending("vendor")),
                features: Set(try strings("features")), cpuPart: try entry["cpupart"].map { value throws(ArtifactDecodingError) in try StrictObject.string(value, at: path.appending("cpupart")) }
            ))
        }
        var byName: [String: Int] = [:]
        for (index, item) in list.enumerated() { byName[item.name] = index }
        for item in list {
            for parent in item.parents where byName[parent] == nil {
                throw ArtifactDecodingError(path: root.appending("microarchitectures").appending(item.name).appending("from"), problem: "parent '\(parent)' is not a microarchitecture of the document")
            }
        }
        var ancestors: [String: Set<String>] = [:]
        func collect(_ name: String, _ visiting: inout Set<String>) throws(ArtifactDecodingError) -> Set<String> {
            if let known = ancestors[name] { return known }
            guard visiting.insert(name).inserted else {
                throw ArtifactDecodingError(path: root.appending("microarchitectures").appending(name).appending("from"), problem: "'\(name)' descends from itself")
            }
            var found: Set<String> = []
            for parent in list[byName[name] ?? 0].parents {
                found.insert(parent)
                found.formUnion(try collect(parent, &visiting))
            }
            visiting.remove(name)
            ancestors[name] = found
            return found
        }
        for item in list {
            var visiting: Set<String> = []
            _ = try collect(item.name, &visiting)
        }
        var armVendors: [String: String] = [:]
        if case .object(let conversions)? = top["conversions"], case .object(let vendors)? = conversions["arm_vendors"] {
            for (code, value) in vendors.members {
                armVendors[code.lowercased()] = try StrictObject.string(value, at: root.appending("conversions").appending("arm_vendors").appending(code))
            }
        }
        self.microarchitectures = list
        self.byName = byName
        self.ancestorsByName = ancestors
        self.armVendors = armVendors
    }

    public func microarchitecture(named name: String) -> Microarchitecture? {
        byName[name].map { microarchitectures[$0] }
    }

    /// Every microarchitecture `name` descends from (empty for a family root or an unknown name).
    public func ancestors(of name: String) -> Set<String> {
        ancestorsByName[name] ?? []
    }

    /// The root of `name`'s graph: `x86_64`, `aarch64`, `ppc64le`, … (`nil` for an unknown name).
    public func family(of name: String) -> String? {
        guard let item = microarchitecture(named: name) else { return nil }
        if item.parents.isEmpty { return name }
        return ancestors(of: name).first { microarchitecture(named: $0)?.parents.isEmpty == true }
    }

    /// Whether a host of microarchitecture `host` runs code built for `target`: the same
    /// microarchitecture, or one it descends from (archspec's `target <= host`).
    public func runs(host: String, target: String) -> Bool {
        host == target || ancestors(of: host).contains(target)
    }

    /// The host's microarchitecture as archspec detects it from `/proc/cpuinfo` (`archspec.cpu.host()`):
    /// among the microarchitectures of the family whose vendor is the CPU's (or generic) and whose
    /// features the CPU all has, the best generic level, then the deepest descendant of it (more
    /// ancestors, then more features; ARM part numbers narrow the choice first). `family` is the
    /// running kernel's (`x86_64`, `aarch64`).
    public func host(_ cpuinfo: CPUInfo, family: String) -> Microarchitecture? {
        guard microarchitecture(named: family) != nil else { return nil }
        let features = cpuinfo.features
        let vendor: String
        var cpuPart = ""
        switch family {
        case "x86_64":
            vendor = cpuinfo.fields["vendor_id"] ?? "generic"
        case "aarch64":
            if let code = cpuinfo.fields["CPU implementer"] {
                vendor = armVendors[code.lowercased()] ?? code
            } else {
                vendor = "generic"
            }
            cpuPart = cpuinfo.fields["CPU part"] ?? ""
        default:
            return microarchitecture(named: family)
        }
        let candidates = microarchitectures.filter { target in
            guard target.name == family || ancestors(of: target.name).contains(family) else { return false }
            // archspec: on aarch64 the generic ARM levels (armv8.1a, …) are not detected, only the root.
            if family == "aarch64", target.vendor == "generic", target.name != family { return false }
            return (target.vendor == vendor || target.vendor == "generic") && target.features.isSubset(of: features)
        }
        func rank(_ item: Microarchitecture) -> (Int, Int) { (ancestors(of: item.name).count, item.features.count) }
        // `max` that keeps the first of equals, as Python's does.
        func best(_ items: [Microarchitecture]) -> Microarchitecture? {
            items.reduce(nil) { current, item in
                guard let current else { return item }
                return rank(item) > rank(current) ? item : current
            }
        }
        guard let bestGeneric = best(candidates.filter { $0.vendor == "generic" }) else { return microarchitecture(named: family) }
        var narrowed = candidates
        if !cpuPart.isEmpty, candidates.contains(where: { $0.cpuPart == cpuPart }) {
            narrowed = candidates.filter { $0.cpuPart == cpuPart }
        }
        narrowed = narrowed.filter { ancestors(of: $0.name).contains(bestGeneric.name) }
        return best(narrowed) ?? bestGeneric
    }
}
