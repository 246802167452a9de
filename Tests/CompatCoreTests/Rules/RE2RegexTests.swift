import Testing
@testable import CompatCore

@Suite struct RE2RegexTests {
    struct MatchCase: Sendable, CustomTestStringConvertible {
        var pattern: String
        var text: String
        var matches: Bool
        var testDescription: String { "/\(pattern)/ on \"\(text)\" → \(matches)" }
    }

    static let matchCases: [MatchCase] = [
        // Unanchored search, anchors only when written.
        MatchCase(pattern: "amzn", text: "6.1.134-152.225.amzn2023.x86_64", matches: true),
        MatchCase(pattern: "^amzn", text: "6.1.134-152.225.amzn2023.x86_64", matches: false),
        MatchCase(pattern: "x86_64$", text: "6.1.134-152.225.amzn2023.x86_64", matches: true),
        MatchCase(pattern: "^6\\.1\\.", text: "6.1.134", matches: true),
        MatchCase(pattern: "^6.1$", text: "6x1", matches: true),
        MatchCase(pattern: "^$", text: "", matches: true),
        MatchCase(pattern: "^a|b", text: "cb", matches: true),
        MatchCase(pattern: "(^a)b", text: "cab", matches: false),
        MatchCase(pattern: "", text: "anything", matches: true),
        // Alternation, groups, repeats.
        MatchCase(pattern: "^(Intel|AMD)$", text: "AMD", matches: true),
        MatchCase(pattern: "^(Intel|AMD)$", text: "ARM", matches: false),
        MatchCase(pattern: "^AVX512(F|BW|VL)?$", text: "AVX512", matches: true),
        MatchCase(pattern: "^AVX512(?:F|BW)$", text: "AVX512CD", matches: false),
        MatchCase(pattern: "^(?P<gen>[0-9]+)\\.(?<minor>[0-9]+)$", text: "22.04", matches: true),
        MatchCase(pattern: "^a{2,3}$", text: "aaa", matches: true),
        MatchCase(pattern: "^a{2,3}$", text: "aaaa", matches: false),
        MatchCase(pattern: "^a{2}$", text: "aa", matches: true),
        MatchCase(pattern: "^a{2,}$", text: "aaaaaa", matches: true),
        MatchCase(pattern: "^a{,2}$", text: "a{,2}", matches: true),
        MatchCase(pattern: "^x+?y*?z??$", text: "xxz", matches: true),
        MatchCase(pattern: "(a*)*b", text: "aaab", matches: true),
        // Classes.
        MatchCase(pattern: "^[a-c]+$", text: "abcab", matches: true),
        MatchCase(pattern: "^[^a-c]+$", text: "xyz", matches: true),
        MatchCase(pattern: "^[^a-c]+$", text: "xaz", matches: false),
        MatchCase(pattern: "^[]a]+$", text: "]a]", matches: true),
        MatchCase(pattern: "^[a-]+$", text: "-a-", matches: true),
        MatchCase(pattern: "^[[:digit:]]+$", text: "2023", matches: true),
        MatchCase(pattern: "^[[:^digit:]]+$", text: "2023", matches: false),
        MatchCase(pattern: "^\\d+\\.\\d+$", text: "5.10", matches: true),
        MatchCase(pattern: "^\\w+$", text: "NO_HZ_FULL", matches: true),
        MatchCase(pattern: "^\\S+\\s\\S+$", text: "a b", matches: true),
        MatchCase(pattern: "^[\\d.]+$", text: "1.40.0", matches: true),
        MatchCase(pattern: "^\\pL+$", text: "Graviton", matches: true),
        MatchCase(pattern: "^\\p{Lu}+$", text: "Graviton", matches: false),
        MatchCase(pattern: "^\\PN+$", text: "abc", matches: true),
        // Escapes.
        MatchCase(pattern: "^a\\.b$", text: "a.b", matches: true),
        MatchCase(pattern: "^a\\.b$", text: "axb", matches: false),
        MatchCase(pattern: "^\\x41\\x{42}$", text: "AB", matches: true),
        MatchCase(pattern: "^\\101$", text: "A", matches: true),
        MatchCase(pattern: "^\\Q1.2+\\E$", text: "1.2+", matches: true),
        MatchCase(pattern: "^\\Q1.2+\\E$", text: "112", matches: false),
        // Assertions and flags.
        MatchCase(pattern: "\\bHZ\\b", text: "NO HZ FULL", matches: true),
        MatchCase(pattern: "\\bHZ\\b", text: "NO_HZ_FULL", matches: false),
        MatchCase(pattern: "\\BHZ\\B", text: "NO_HZ_FULL", matches: true),
        MatchCase(pattern: "\\Aab\\z", text: "ab", matches: true),
        MatchCase(pattern: "(?i)^intel$", text: "INTEL", matches: true),
        MatchCase(pattern: "^(?i:intel)$", text: "InTeL", matches: true),
        MatchCase(pattern: "^(?i)[a-c]+$", text: "ABC", matches: true),
        MatchCase(pattern: "^intel$", text: "INTEL", matches: false),
        MatchCase(pattern: "^a.b$", text: "a\nb", matches: false),
        MatchCase(pattern: "(?s)^a.b$", text: "a\nb", matches: true),
        MatchCase(pattern: "a$", text: "a\n", matches: false),
        MatchCase(pattern: "(?m)a$", text: "a\nb", matches: true),
        MatchCase(pattern: "(?m)^b", text: "a\nb", matches: true),
        // Scalars, not grapheme clusters.
        MatchCase(pattern: "^e\u{301}$", text: "e\u{301}", matches: true),
        MatchCase(pattern: "^.$", text: "e\u{301}", matches: false),
    ]

    @Test(arguments: matchCases) func matchesLikeGoRegexp(_ c: MatchCase) throws {
        #expect(try RE2Regex(c.pattern).matches(in: c.text[...]) == c.matches)
    }

    struct RejectCase: Sendable, CustomTestStringConvertible {
        var pattern: String
        /// A fragment the error message must contain.
        var named: String
        var testDescription: String { "/\(pattern)/ rejected as \(named)" }
    }

    static let rejectCases: [RejectCase] = [
        RejectCase(pattern: "^AVX(?=512)", named: "look-ahead '(?='"),
        RejectCase(pattern: "^AVX(?!512)", named: "negative look-ahead '(?!'"),
        RejectCase(pattern: "(?<=AVX)512", named: "look-behind '(?<='"),
        RejectCase(pattern: "(?<!AVX)512", named: "negative look-behind '(?<!'"),
        RejectCase(pattern: "(a)\\1", named: "back-reference '\\1'"),
        RejectCase(pattern: "(a)\\9", named: "back-reference '\\9'"),
        RejectCase(pattern: "(?<x>a)\\k<x>", named: "named back-reference '\\k'"),
        RejectCase(pattern: "(?P<x>a)(?P=x)", named: "named back-reference '(?P='"),
        RejectCase(pattern: "(?>a+)b", named: "atomic group '(?>'"),
        RejectCase(pattern: "a*+b", named: "possessive quantifier '*+'"),
        RejectCase(pattern: "a++b", named: "possessive quantifier '++'"),
        RejectCase(pattern: "a?+b", named: "possessive quantifier '?+'"),
        RejectCase(pattern: "a{2}+b", named: "possessive quantifier '{2}+'"),
        RejectCase(pattern: "(?(1)a|b)", named: "conditional '(?('"),
        RejectCase(pattern: "(?R)", named: "recursion"),
        RejectCase(pattern: "(*ACCEPT)", named: "backtracking control verb"),
        RejectCase(pattern: "a\\Z", named: "escape '\\Z'"),
        RejectCase(pattern: "\\Ga", named: "escape '\\G'"),
        RejectCase(pattern: "(?x) a", named: "flag 'x'"),
        RejectCase(pattern: "a**", named: "invalid nested repetition operator '*'"),
        RejectCase(pattern: "*a", named: "missing argument to repetition operator '*'"),
        RejectCase(pattern: "a{1001}", named: "invalid repeat count '{1001}'"),
        RejectCase(pattern: "a{3,2}", named: "invalid repeat count '{3,2}'"),
        RejectCase(pattern: "(ab", named: "missing closing ')'"),
        RejectCase(pattern: "ab)", named: "unexpected ')'"),
        RejectCase(pattern: "[ab", named: "missing closing ']'"),
        RejectCase(pattern: "[z-a]", named: "invalid character class range 'z-a'"),
        RejectCase(pattern: "[[:alfa:]]", named: "unknown POSIX class '[:alfa:]'"),
        RejectCase(pattern: "\\p{Greek}", named: "Unicode class 'Greek' is not supported"),
        RejectCase(pattern: "(?P<x>a)(?P<x>b)", named: "duplicate capture group name 'x'"),
        RejectCase(pattern: "ab\\", named: "trailing backslash"),
        RejectCase(pattern: "(a{1000}){1000}", named: "pattern is too large"),
    ]

    @Test(arguments: rejectCases) func rejectsWhatRE2Rejects(_ c: RejectCase) {
        do {
            _ = try RE2Regex(c.pattern)
            Issue.record("/\(c.pattern)/ was accepted")
        } catch {
            #expect(error.description.contains(c.named), "\(error.description)")
        }
    }

    @Test func nestedQuantifiersStayLinear() throws {
        // Exponential for backtracking engines; a Thompson NFA visits each state once per input scalar.
        let text = String(repeating: "a", count: 63)
        for pattern in ["(a+)+b", "(a|a)*b", "(a*)*b", "(?:a|aa)*c", "(a|aa|aaa){1,100}b"] {
            #expect(try RE2Regex(pattern).matches(in: text[...]) == false, "\(pattern)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let pattern = String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000)
        #expect(throws: RE2SyntaxError.self) { try RE2Regex(pattern) }
    }

    @Test func matchesSubstringsWithoutCopying() throws {
        let key = "feature.node.kubernetes.io/cpu-cpuid.AVX512F"
        let name = key[key.index(key.startIndex, offsetBy: 37)...]
        #expect(name == "AVX512F")
        #expect(try RE2Regex("^AVX512").matches(in: name))
        #expect(try RE2Regex("^cpu").matches(in: name) == false)
    }
}
