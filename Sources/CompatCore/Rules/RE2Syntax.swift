/// A pattern that is not valid RE2 syntax: what is wrong and where, so a spec author can fix it.
///
/// NFD compiles `InRegexp` values with Go's `regexp` package (RE2 syntax). Constructs that need
/// backtracking (look-around, back-references, atomic groups, possessive quantifiers, conditionals)
/// do not exist there, so a spec that uses them fails in NFD and must fail here too.
struct RE2SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset of the offending construct, in Unicode scalars from the start of the pattern.
    var offset: Int
    var problem: String

    var description: String { "\(problem) at offset \(offset)" }
}

/// The parsed form of an RE2 pattern. Capture groups are not kept: NFD only asks whether a value matches.
indirect enum RE2Node: Sendable {
    case empty
    case scalar(Unicode.Scalar, foldCase: Bool)
    case characterClass(RE2CharacterClass)
    /// `.`: any scalar, or any scalar but `\n` unless the `s` flag is set.
    case anyScalar(matchesNewline: Bool)
    case assertion(RE2Assertion)
    case concatenation([RE2Node])
    case alternation([RE2Node])
    /// `max == nil` is unbounded.
    case repetition(RE2Node, min: Int, max: Int?)
}

enum RE2Assertion: Sendable {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary
}

/// A set of scalars: ranges plus Unicode general categories, optionally negated and case-folded.
struct RE2CharacterClass: Sendable {
    /// Sorted or not; membership is a linear scan (classes in label patterns are short).
    var ranges: [ClosedRange<UInt32>] = []
    var categories: [(categories: [Unicode.GeneralCategory], negated: Bool)] = []
    var negated = false
    var foldCase = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        if containsExactly(scalar) != negated { return true }
        guard foldCase else { return false }
        for variant in RE2CaseFolding.variants(of: scalar) where variant != scalar {
            if containsExactly(variant) != negated { return true }
        }
        return false
    }

    private func containsExactly(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        for r in ranges where r.contains(v) { return true }
        if categories.isEmpty { return false }
        let category = scalar.properties.generalCategory
        for item in categories where item.categories.contains(category) != item.negated { return true }
        return false
    }

    static let maximumScalar: UInt32 = 0x10FFFF

    /// The complement of a list of ranges over all scalar values.
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in sorted {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            if r.upperBound >= maximumScalar { return out }
            next = max(next, r.upperBound + 1)
        }
        out.append(next...maximumScalar)
        return out
    }
}

/// Simple case variants used for `(?i)`: the scalar, its lower, upper and title case forms when each is a
/// single scalar. ASCII is handled without allocating.
enum RE2CaseFolding {
    static func variants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let v = scalar.value
        if v < 0x80 {
            if (0x41...0x5A).contains(v), let lower = Unicode.Scalar(v + 0x20) { return [scalar, lower] }
            if (0x61...0x7A).contains(v), let upper = Unicode.Scalar(v - 0x20) { return [scalar, upper] }
            return [scalar]
        }
        var out = [scalar]
        let p = scalar.properties
        for mapping in [p.lowercaseMapping, p.uppercaseMapping, p.titlecaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let s = scalars.first, !out.contains(s) { out.append(s) }
        }
        return out
    }
}

/// Parses RE2 syntax (as Go's `regexp/syntax` does with `syntax.Perl` flags) into an ``RE2Node``.
///
/// Everything outside RE2 is rejected with an error naming the construct. Limits follow RE2: at most
/// 1000 repetitions in a counted repeat, as in RE2, and 200 levels of group nesting (RE2 allows 1000;
/// the lower bound keeps recursion shallow on small thread stacks, and no label pattern nests that deep).
struct RE2Parser {
    static let maximumRepeatCount = 1000
    static let maximumNesting = 200

    struct Flags {
        var caseInsensitive = false
        var multiLine = false
        var dotMatchesNewline = false
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var groupNames: Set<String> = []

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    static func parse(_ pattern: String) throws(RE2SyntaxError) -> RE2Node {
        var parser = RE2Parser(pattern)
        let node = try parser.parseAlternation(flags: Flags(), depth: 0)
        if parser.position < parser.scalars.count {
            // Only an unbalanced ')' stops the top-level alternation early.
            throw parser.error("unexpected ')' without a matching '('")
        }
        return node
    }

    // MARK: Structure

    private mutating func parseAlternation(flags inherited: Flags, depth: Int) throws(RE2SyntaxError) -> RE2Node {
        guard depth <= Self.maximumNesting else {
            throw error("expression nests more than \(Self.maximumNesting) levels deep")
        }
        var flags = inherited
        var branches = [try parseConcatenation(flags: &flags, depth: depth)]
        while peek == "|" {
            position += 1
            branches.append(try parseConcatenation(flags: &flags, depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation(flags: inout Flags, depth: Int) throws(RE2SyntaxError) -> RE2Node {
        var items: [RE2Node] = []
        var lastIsRepetition = false
        while let c = peek, c != "|", c != ")" {
            if let quantifier = try parseQuantifier() {
                guard let operand = items.popLast() else {
                    throw error("missing argument to repetition operator '\(quantifier.text)'", at: quantifier.start)
                }
                if lastIsRepetition {
                    throw error("invalid nested repetition operator '\(quantifier.text)'", at: quantifier.start)
                }
                items.append(.repetition(operand, min: quantifier.min, max: quantifier.max))
                lastIsRepetition = true
                continue
            }
            lastIsRepetition = false
            if let atom = try parseAtom(flags: &flags, depth: depth) {
                items.append(atom)
            }
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private struct Quantifier {
        var min: Int
        var max: Int?
        var start: Int
        var text: String
    }

    /// A quantifier at the current position (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each optionally lazy),
    /// or nil. A `{` that does not form a valid repeat is a literal, as in RE2.
    private mutating func parseQuantifier() throws(RE2SyntaxError) -> Quantifier? {
        guard let c = peek else { return nil }
        let start = position
        var q: Quantifier
        switch c {
        case "*": q = Quantifier(min: 0, max: nil, start: start, text: "*"); position += 1
        case "+": q = Quantifier(min: 1, max: nil, start: start, text: "+"); position += 1
        case "?": q = Quantifier(min: 0, max: 1, start: start, text: "?"); position += 1
        case "{":
            guard let counted = try parseCountedRepeat() else { return nil }
            q = counted
        default: return nil
        }
        if peek == "?" {
            position += 1  // lazy: irrelevant to whether a match exists
            q.text += "?"
        } else if peek == "+" {
            throw error("possessive quantifier '\(q.text)+' is not supported by RE2", at: start)
        }
        return q
    }

    private mutating func parseCountedRepeat() throws(RE2SyntaxError) -> Quantifier? {
        let start = position
        var i = position + 1
        /// Digits at `i`, or nil when there are none. Counts too long for any valid repeat become `Int.max`.
        func number() -> Int? {
            var value = 0
            var digits = 0
            while i < scalars.count, ("0"..."9").contains(scalars[i]) {
                value = digits < 8 ? value * 10 + Int(scalars[i].value - 0x30) : Int.max
                digits += 1
                i += 1
            }
            return digits == 0 ? nil : value
        }
        guard let min = number() else { return nil }
        var max: Int? = min
        if i < scalars.count, scalars[i] == "," {
            i += 1
            max = number()
        }
        guard i < scalars.count, scalars[i] == "}" else { return nil }
        i += 1
        let text = String(String.UnicodeScalarView(scalars[start..<i]))
        if min > Self.maximumRepeatCount || (max ?? 0) > Self.maximumRepeatCount || (max.map { $0 < min } ?? false) {
            throw error("invalid repeat count '\(text)' (RE2 allows 0 to \(Self.maximumRepeatCount), minimum first)", at: start)
        }
        position = i
        return Quantifier(min: min, max: max, start: start, text: text)
    }

    /// One atom, or nil for a flag group such as `(?i)` that changes flags but matches nothing.
    private mutating func parseAtom(flags: inout Flags, depth: Int) throws(RE2SyntaxError) -> RE2Node? {
        guard let c = peek else { return nil }
        switch c {
        case "(":
            return try parseGroup(flags: &flags, depth: depth)
        case "[":
            return .characterClass(try parseClass(flags: flags))
        case ".":
            position += 1
            return .anyScalar(matchesNewline: flags.dotMatchesNewline)
        case "^":
            position += 1
            return .assertion(flags.multiLine ? .beginLine : .beginText)
        case "$":
            position += 1
            return .assertion(flags.multiLine ? .endLine : .endText)
        case "\\":
            return try parseEscapeAtom(flags: flags)
        default:
            position += 1
            return .scalar(c, foldCase: flags.caseInsensitive)
        }
    }

    private mutating func parseGroup(flags: inout Flags, depth: Int) throws(RE2SyntaxError) -> RE2Node? {
        let start = position
        position += 1  // (
        if peek == "*" {
            throw error("backtracking control verb '(*' is not supported by RE2", at: start)
        }
        var inner = flags
        if peek == "?" {
            position += 1
            switch peek {
            case "=": throw error("look-ahead '(?=' is not supported by RE2", at: start)
            case "!": throw error("negative look-ahead '(?!' is not supported by RE2", at: start)
            case ">": throw error("atomic group '(?>' is not supported by RE2", at: start)
            case "(": throw error("conditional '(?(' is not supported by RE2", at: start)
            case "#": throw error("comment group '(?#' is not supported by RE2", at: start)
            case "|": throw error("branch reset group '(?|' is not supported by RE2", at: start)
            case "&", "R": throw error("recursion or subroutine call is not supported by RE2", at: start)
            case "<":
                let next = scalar(at: position + 1)
                if next == "=" { throw error("look-behind '(?<=' is not supported by RE2", at: start) }
                if next == "!" { throw error("negative look-behind '(?<!' is not supported by RE2", at: start) }
                position += 1
                try parseGroupName(start: start)
            case "P":
                let next = scalar(at: position + 1)
                if next == "=" { throw error("named back-reference '(?P=' is not supported by RE2", at: start) }
                if next == ">" { throw error("recursion or subroutine call '(?P>' is not supported by RE2", at: start) }
                guard next == "<" else { throw error("invalid named capture: expected '(?P<name>'", at: start) }
                position += 2
                try parseGroupName(start: start)
            default:
                if let d = peek, ("0"..."9").contains(d) || d == "+" || (d == "-" && scalar(at: position + 1).map { ("0"..."9").contains($0) } == true) {
                    throw error("recursion or subroutine call is not supported by RE2", at: start)
                }
                let endsGroup = try parseFlags(into: &inner, start: start)
                if endsGroup {
                    // `(?flags)`: applies to the rest of the enclosing group.
                    flags = inner
                    return nil
                }
            }
        }
        let body = try parseAlternation(flags: inner, depth: depth + 1)
        guard peek == ")" else {
            throw error("missing closing ')' for the group opened here", at: start)
        }
        position += 1
        return body
    }

    private mutating func parseGroupName(start: Int) throws(RE2SyntaxError) {
        var name = ""
        while let c = peek, c != ">" {
            guard c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" else {
                throw error("invalid character '\(c)' in capture group name", at: position)
            }
            name.unicodeScalars.append(c)
            position += 1
        }
        guard peek == ">", !name.isEmpty else {
            throw error("invalid named capture: expected a name and '>'", at: start)
        }
        guard groupNames.insert(name).inserted else {
            throw error("duplicate capture group name '\(name)'", at: start)
        }
        position += 1
    }

    /// Reads `[imsU]*(-[imsU]+)?` then `)` (returns true) or `:` (returns false).
    private mutating func parseFlags(into flags: inout Flags, start: Int) throws(RE2SyntaxError) -> Bool {
        var negate = false
        var sawFlag = false
        var sawFlagAfterMinus = false
        while let c = peek {
            position += 1
            switch c {
            case "i": flags.caseInsensitive = !negate
            case "m": flags.multiLine = !negate
            case "s": flags.dotMatchesNewline = !negate
            case "U": break  // ungreedy: irrelevant to whether a match exists
            case "-":
                guard !negate else { throw error("invalid flag group: two '-'", at: start) }
                negate = true
                continue
            case ")", ":":
                if !sawFlag && c == ")" { throw error("empty flag group '(?)'", at: start) }
                if negate && !sawFlagAfterMinus { throw error("invalid flag group: '-' with no flag after it", at: start) }
                return c == ")"
            default:
                throw error("flag '\(c)' in '(?...)' is not supported by RE2 (flags are i, m, s, U)", at: position - 1)
            }
            sawFlag = true
            if negate { sawFlagAfterMinus = true }
        }
        throw error("missing closing ')' for the group opened here", at: start)
    }

    // MARK: Escapes

    private mutating func parseEscapeAtom(flags: Flags) throws(RE2SyntaxError) -> RE2Node {
        let start = position
        guard let c = scalar(at: position + 1) else {
            throw error("trailing backslash at end of pattern", at: start)
        }
        switch c {
        case "A": position += 2; return .assertion(.beginText)
        case "z": position += 2; return .assertion(.endText)
        case "b": position += 2; return .assertion(.wordBoundary)
        case "B": position += 2; return .assertion(.notWordBoundary)
        case "Q":
            position += 2
            var literal: [RE2Node] = []
            while position < scalars.count {
                if scalars[position] == "\\", scalar(at: position + 1) == "E" {
                    position += 2
                    break
                }
                literal.append(.scalar(scalars[position], foldCase: flags.caseInsensitive))
                position += 1
            }
            return literal.count == 1 ? literal[0] : .concatenation(literal)
        default:
            if var cls = try parseClassEscape() {
                cls.foldCase = flags.caseInsensitive
                return .characterClass(cls)
            }
            return .scalar(try parseEscapedScalar(), foldCase: flags.caseInsensitive)
        }
    }

    /// `\d \D \s \S \w \W \pX \p{Name} \PX \P{Name}` at the current position, or nil.
    private mutating func parseClassEscape() throws(RE2SyntaxError) -> RE2CharacterClass? {
        guard peek == "\\", let c = scalar(at: position + 1) else { return nil }
        var perl: [ClosedRange<UInt32>]?
        switch c {
        case "d", "D": perl = [0x30...0x39]
        case "s", "S": perl = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
        case "w", "W": perl = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        case "p", "P": break
        default: return nil
        }
        let start = position
        position += 2
        if let perl {
            let negated = c == "D" || c == "S" || c == "W"
            return RE2CharacterClass(ranges: negated ? RE2CharacterClass.complement(perl) : perl)
        }
        var name = ""
        if peek == "{" {
            position += 1
            while let n = peek, n != "}" {
                name.unicodeScalars.append(n)
                position += 1
            }
            guard peek == "}" else { throw error("missing '}' in Unicode class", at: start) }
            position += 1
        } else if let n = peek {
            name.unicodeScalars.append(n)
            position += 1
        } else {
            throw error("missing Unicode class name after '\\\(c)'", at: start)
        }
        var negated = c == "P"
        if name.hasPrefix("^") {
            negated.toggle()
            name.removeFirst()
        }
        if name == "Any" {
            let all: [ClosedRange<UInt32>] = [0...RE2CharacterClass.maximumScalar]
            return RE2CharacterClass(ranges: negated ? [] : all)
        }
        guard let categories = Self.generalCategories[name] else {
            throw error("Unicode class '\(name)' is not supported (use a general category such as L, Lu, Nd)", at: start)
        }
        return RE2CharacterClass(categories: [(categories, negated)])
    }

    /// A single escaped scalar: `\a \f \t \n \r \v`, octal, `\xHH`, `\x{H...}`, or escaped punctuation.
    private mutating func parseEscapedScalar() throws(RE2SyntaxError) -> Unicode.Scalar {
        let start = position
        guard let c = scalar(at: position + 1) else {
            throw error("trailing backslash at end of pattern", at: start)
        }
        position += 2
        switch c {
        case "a": return "\u{07}"
        case "f": return "\u{0C}"
        case "t": return "\t"
        case "n": return "\n"
        case "r": return "\r"
        case "v": return "\u{0B}"
        case "0"..."7":
            // RE2: \0 starts an octal escape; \1-\7 do only when another octal digit follows.
            if c != "0", !(scalar(at: position).map { ("0"..."7").contains($0) } ?? false) {
                throw error("back-reference '\\\(c)' is not supported by RE2", at: start)
            }
            var value = c.value - 0x30
            for _ in 0..<2 {
                guard let d = peek, ("0"..."7").contains(d) else { break }
                value = value * 8 + d.value - 0x30
                position += 1
            }
            return Unicode.Scalar(value) ?? "\0"
        case "8", "9":
            throw error("back-reference '\\\(c)' is not supported by RE2", at: start)
        case "x":
            var hex = ""
            if peek == "{" {
                position += 1
                while let d = peek, d != "}" {
                    hex.unicodeScalars.append(d)
                    position += 1
                }
                guard peek == "}" else { throw error("missing '}' in '\\x{...}'", at: start) }
                position += 1
            } else {
                for _ in 0..<2 {
                    guard let d = peek else { break }
                    hex.unicodeScalars.append(d)
                    position += 1
                }
            }
            guard !hex.isEmpty, hex.count <= 8, let value = UInt32(hex, radix: 16), let s = Unicode.Scalar(value) else {
                throw error("invalid hexadecimal escape '\\x\(hex)'", at: start)
            }
            return s
        case "k":
            throw error("named back-reference '\\k' is not supported by RE2", at: start)
        case "g":
            throw error("back-reference or subroutine '\\g' is not supported by RE2", at: start)
        default:
            if c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c) {
                return c
            }
            throw error("escape '\\\(c)' is not supported by RE2", at: start)
        }
    }

    // MARK: Character classes

    private mutating func parseClass(flags: Flags) throws(RE2SyntaxError) -> RE2CharacterClass {
        let start = position
        position += 1  // [
        var cls = RE2CharacterClass(foldCase: flags.caseInsensitive)
        if peek == "^" {
            cls.negated = true
            position += 1
        }
        var first = true
        while true {
            guard let c = peek else { throw error("missing closing ']' for the class opened here", at: start) }
            if c == "]" && !first { break }
            first = false
            if c == "[", scalar(at: position + 1) == ":", let posix = try parsePOSIXClass() {
                cls.ranges += posix
                continue
            }
            if let escaped = try parseClassEscape() {
                cls.ranges += escaped.ranges
                cls.categories += escaped.categories
                continue
            }
            let rangeStart = position
            let low = try parseClassScalar()
            if peek == "-", let after = scalar(at: position + 1), after != "]" {
                position += 1
                let high = try parseClassScalar()
                guard low.value <= high.value else {
                    throw error("invalid character class range '\(low)-\(high)'", at: rangeStart)
                }
                cls.ranges.append(low.value...high.value)
            } else {
                cls.ranges.append(low.value...low.value)
            }
        }
        position += 1  // ]
        return cls
    }

    private mutating func parseClassScalar() throws(RE2SyntaxError) -> Unicode.Scalar {
        guard let c = peek else { throw error("missing closing ']'", at: position) }
        if c == "\\" {
            return try parseEscapedScalar()
        }
        position += 1
        return c
    }

    /// `[:alpha:]` or `[:^alpha:]` at the current position; nil (nothing consumed) when the text is not of
    /// that form, in which case the `[` is a literal.
    private mutating func parsePOSIXClass() throws(RE2SyntaxError) -> [ClosedRange<UInt32>]? {
        var i = position + 2
        var name = ""
        while i + 1 < scalars.count, !(scalars[i] == ":" && scalars[i + 1] == "]") {
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard i + 1 < scalars.count else { return nil }
        var negated = false
        if name.hasPrefix("^") {
            negated = true
            name.removeFirst()
        }
        guard let ranges = Self.posixClasses[name] else {
            throw error("unknown POSIX class '[:\(name):]'", at: position)
        }
        position = i + 2
        return negated ? RE2CharacterClass.complement(ranges) : ranges
    }

    // MARK: Helpers

    private var peek: Unicode.Scalar? { scalar(at: position) }

    private func scalar(at index: Int) -> Unicode.Scalar? {
        index < scalars.count ? scalars[index] : nil
    }

    private func error(_ problem: String, at offset: Int? = nil) -> RE2SyntaxError {
        RE2SyntaxError(offset: offset ?? position, problem: problem)
    }

    static let posixClasses: [String: [ClosedRange<UInt32>]] = [
        "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A],
        "alpha": [0x41...0x5A, 0x61...0x7A],
        "ascii": [0x00...0x7F],
        "blank": [0x09...0x09, 0x20...0x20],
        "cntrl": [0x00...0x1F, 0x7F...0x7F],
        "digit": [0x30...0x39],
        "graph": [0x21...0x7E],
        "lower": [0x61...0x7A],
        "print": [0x20...0x7E],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E],
        "space": [0x09...0x0D, 0x20...0x20],
        "upper": [0x41...0x5A],
        "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A],
        "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
    ]

    /// Go's `unicode.Categories` names. `C` excludes unassigned code points, as in Go.
    static let generalCategories: [String: [Unicode.GeneralCategory]] = {
        let table: [(String, [Unicode.GeneralCategory])] = [
            ("Lu", [.uppercaseLetter]), ("Ll", [.lowercaseLetter]), ("Lt", [.titlecaseLetter]),
            ("Lm", [.modifierLetter]), ("Lo", [.otherLetter]),
            ("Mn", [.nonspacingMark]), ("Mc", [.spacingMark]), ("Me", [.enclosingMark]),
            ("Nd", [.decimalNumber]), ("Nl", [.letterNumber]), ("No", [.otherNumber]),
            ("Pc", [.connectorPunctuation]), ("Pd", [.dashPunctuation]), ("Ps", [.openPunctuation]),
            ("Pe", [.closePunctuation]), ("Pi", [.initialPunctuation]), ("Pf", [.finalPunctuation]),
            ("Po", [.otherPunctuation]),
            ("Sm", [.mathSymbol]), ("Sc", [.currencySymbol]), ("Sk", [.modifierSymbol]), ("So", [.otherSymbol]),
            ("Zs", [.spaceSeparator]), ("Zl", [.lineSeparator]), ("Zp", [.paragraphSeparator]),
            ("Cc", [.control]), ("Cf", [.format]), ("Cs", [.surrogate]), ("Co", [.privateUse]),
        ]
        var out: [String: [Unicode.GeneralCategory]] = [:]
        for (name, categories) in table {
            out[name] = categories
            out[String(name.prefix(1)), default: []] += categories
        }
        return out
    }()
}
