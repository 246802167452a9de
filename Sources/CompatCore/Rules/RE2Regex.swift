/// A regular expression in RE2 syntax, matched as NFD's `InRegexp` does: an unanchored search that
/// reports whether any substring matches.
///
/// Swift `Regex` and `NSRegularExpression` backtrack: `(a+)+b` against 14 `a`s already takes half a
/// second with Swift `Regex`, and label values may be 63 characters long, so a spec could stall the
/// admission path. This type compiles the pattern once to a Thompson NFA and simulates it in time
/// proportional to pattern size times input length, the guarantee RE2 gives. Matching works on Unicode
/// scalars, as RE2 works on code points, and allocates nothing for programs of ordinary size.
struct RE2Regex: Sendable {
    private let program: [Instruction]
    private let classes: [RE2CharacterClass]
    /// Every match must start at the beginning of the text (`^...` without `m`, or `\A...`), so the
    /// search can stop as soon as no thread is alive instead of restarting at each position.
    private let anchoredAtStart: Bool

    /// Largest program a pattern may compile to. Counted repeats multiply their operand, so
    /// `(a{1000}){1000}` would otherwise build a million instructions.
    static let maximumProgramSize = 10_000

    enum Instruction: Sendable {
        case scalar(UInt32)
        case characterClass(Int)
        case anyScalar
        case anyScalarExceptNewline
        case split(Int, Int)
        case jump(Int)
        case assertion(RE2Assertion)
        case match
    }

    init(_ pattern: String) throws(RE2SyntaxError) {
        let tree = try RE2Parser.parse(pattern)
        var compiler = Compiler()
        try compiler.emit(tree)
        compiler.append(.match)
        self.program = compiler.program
        self.classes = compiler.classes
        if case .assertion(.beginText)? = compiler.program.first {
            anchoredAtStart = true
        } else {
            anchoredAtStart = false
        }
    }

    /// Whether any substring of `text` matches.
    func matches(in text: Substring) -> Bool {
        var text = text
        return text.withUTF8 { matches(utf8: $0) }
    }

    /// The search over UTF-8 bytes (Swift strings are valid UTF-8), decoding one scalar at a time.
    private func matches(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let size = program.count
        // Two sparse sets (dense + index arrays each) and one work stack for ε-closures.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: size * 6 + 2) { buffer in
            buffer.initialize(repeating: 0)
            guard let base = buffer.baseAddress else { return false }
            var current = SparseSet(dense: base, sparse: base + size)
            var next = SparseSet(dense: base + 2 * size, sparse: base + 3 * size)
            let stack = base + 4 * size
            let stackCapacity = 2 * size + 2
            return program.withUnsafeBufferPointer { program in
                classes.withUnsafeBufferPointer { classes in
                    var offset = 0
                    var previous: Unicode.Scalar? = nil
                    var here = Self.scalar(in: bytes, at: &offset)
                    var atStart = true
                    while true {
                        let ahead = here == nil ? nil : Self.scalar(in: bytes, at: &offset)
                        // Unanchored: a new thread may start at every position.
                        if atStart || !anchoredAtStart {
                            if Self.addThread(0, to: &current, program: program, previous: previous, next: here, stack: stack, stackCapacity: stackCapacity) {
                                return true
                            }
                        } else if current.count == 0 {
                            return false
                        }
                        guard let scalar = here else { return false }
                        next.removeAll()
                        for index in 0..<current.count {
                            let pc = current.dense[index]
                            let advances: Bool
                            switch program[pc] {
                            case .scalar(let value): advances = scalar.value == value
                            case .characterClass(let i): advances = classes[i].contains(scalar)
                            case .anyScalar: advances = true
                            case .anyScalarExceptNewline: advances = scalar != "\n"
                            default: advances = false
                            }
                            if advances, Self.addThread(pc + 1, to: &next, program: program, previous: scalar, next: ahead, stack: stack, stackCapacity: stackCapacity) {
                                return true
                            }
                        }
                        swap(&current, &next)
                        previous = scalar
                        here = ahead
                        atStart = false
                    }
                }
            }
        }
    }

    /// Decodes the scalar at `offset` and advances past it; nil at the end.
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> Unicode.Scalar? {
        guard offset < bytes.count else { return nil }
        let lead = bytes[offset]
        if lead < 0x80 {
            offset += 1
            return Unicode.Scalar(lead)
        }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for i in 1..<length where offset + i < bytes.count {
            value = value << 6 | UInt32(bytes[offset + i] & 0x3F)
        }
        offset += length
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// Adds `pc` and everything reachable from it without consuming input; true when that reaches `match`.
    private static func addThread(
        _ pc: Int, to list: inout SparseSet, program: UnsafeBufferPointer<Instruction>,
        previous: Unicode.Scalar?, next: Unicode.Scalar?, stack: UnsafeMutablePointer<Int>, stackCapacity: Int
    ) -> Bool {
        var top = 0
        stack[top] = pc
        top += 1
        while top > 0 {
            top -= 1
            let pc = stack[top]
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .match:
                return true
            case .jump(let target):
                stack[top] = target
                top += 1
            case .split(let first, let second):
                // Each instruction is inserted once, so at most two pushes per instruction: within capacity.
                guard top + 2 <= stackCapacity else { continue }
                stack[top] = second
                stack[top + 1] = first
                top += 2
            case .assertion(let assertion):
                if Self.holds(assertion, previous: previous, next: next) {
                    stack[top] = pc + 1
                    top += 1
                }
            case .scalar, .characterClass, .anyScalar, .anyScalarExceptNewline:
                break
            }
        }
        return false
    }

    private static func holds(_ assertion: RE2Assertion, previous: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        switch assertion {
        case .beginText: return previous == nil
        case .endText: return next == nil
        case .beginLine: return previous == nil || previous == "\n"
        case .endLine: return next == nil || next == "\n"
        case .wordBoundary: return isWordScalar(previous) != isWordScalar(next)
        case .notWordBoundary: return isWordScalar(previous) == isWordScalar(next)
        }
    }

    /// RE2's `\b` uses ASCII word characters.
    private static func isWordScalar(_ scalar: Unicode.Scalar?) -> Bool {
        guard let v = scalar?.value else { return false }
        return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F
    }

    /// A set of program counters with O(1) insert, membership and clear (Briggs–Torczon sparse set).
    private struct SparseSet {
        /// Members in insertion order, `count` of them.
        let dense: UnsafeMutablePointer<Int>
        /// For each program counter, its slot in `dense` (meaningful only when it points back to it).
        let sparse: UnsafeMutablePointer<Int>
        var count = 0

        init(dense: UnsafeMutablePointer<Int>, sparse: UnsafeMutablePointer<Int>) {
            self.dense = dense
            self.sparse = sparse
        }

        /// Inserts `pc`; false when it was already present.
        mutating func insert(_ pc: Int) -> Bool {
            let slot = sparse[pc]
            if slot < count && dense[slot] == pc { return false }
            sparse[pc] = count
            dense[count] = pc
            count += 1
            return true
        }

        mutating func removeAll() { count = 0 }
    }

    /// Turns the parse tree into instructions (Thompson's construction).
    private struct Compiler {
        var program: [Instruction] = []
        var classes: [RE2CharacterClass] = []

        mutating func append(_ instruction: Instruction) {
            program.append(instruction)
        }

        mutating func emit(_ node: RE2Node) throws(RE2SyntaxError) {
            guard program.count < RE2Regex.maximumProgramSize else {
                throw RE2SyntaxError(offset: 0, problem: "pattern is too large (more than \(RE2Regex.maximumProgramSize) instructions once repeats are expanded)")
            }
            switch node {
            case .empty:
                break
            case .scalar(let scalar, let foldCase):
                let variants = foldCase ? RE2CaseFolding.variants(of: scalar) : [scalar]
                if variants.count == 1 {
                    append(.scalar(scalar.value))
                } else {
                    var cls = RE2CharacterClass(foldCase: true)
                    cls.ranges = variants.map { $0.value...$0.value }
                    appendClass(cls)
                }
            case .characterClass(let cls):
                appendClass(cls)
            case .anyScalar(let matchesNewline):
                append(matchesNewline ? .anyScalar : .anyScalarExceptNewline)
            case .assertion(let assertion):
                append(.assertion(assertion))
            case .concatenation(let nodes):
                for n in nodes { try emit(n) }
            case .alternation(let branches):
                // split L1, next; L1: branch; jump end; next: split ...; last branch; end:
                var jumps: [Int] = []
                for (i, branch) in branches.enumerated() {
                    if i < branches.count - 1 {
                        let split = program.count
                        append(.split(split + 1, -1))
                        try emit(branch)
                        jumps.append(program.count)
                        append(.jump(-1))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try emit(branch)
                    }
                }
                for j in jumps { program[j] = .jump(program.count) }
            case .repetition(let operand, let min, let max):
                for _ in 0..<min { try emit(operand) }
                if let max {
                    var splits: [Int] = []
                    for _ in min..<max {
                        splits.append(program.count)
                        append(.split(program.count + 1, -1))
                        try emit(operand)
                    }
                    for s in splits { program[s] = .split(s + 1, program.count) }
                } else {
                    // loop: split body, exit; body; jump loop; exit:
                    let loop = program.count
                    append(.split(loop + 1, -1))
                    try emit(operand)
                    append(.jump(loop))
                    program[loop] = .split(loop + 1, program.count)
                }
            }
        }

        private mutating func appendClass(_ cls: RE2CharacterClass) {
            classes.append(cls)
            append(.characterClass(classes.count - 1))
        }
    }
}
