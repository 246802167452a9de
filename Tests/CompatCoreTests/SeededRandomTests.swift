import Testing
@testable import CompatCore

@Suite struct SeededRandomTests {
    @Test func sameSeedGivesSameSequence() {
        var a = SeededRandom(seed: 42)
        var b = SeededRandom(seed: 42)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        var c = SeededRandom(seed: 43)
        #expect(first != (0..<5).map { _ in c.next() })
    }

    @Test func sequenceIsFixedByThisImplementation() {
        // xoshiro256** seeded by SplitMix64(0): pins the stream so a refactor cannot silently change choices.
        var r = SeededRandom(seed: 0)
        #expect(r.next() == 0x99EC_5F36_CB75_F2B4)
    }

    @Test func namedStreamsDiffer() {
        var a = SeededRandom(seed: 1, stream: "iteration-1")
        var b = SeededRandom(seed: 1, stream: "iteration-2")
        #expect(a.next() != b.next())
    }

    @Test func indexStaysInRangeAndCoversIt() {
        var r = SeededRandom(seed: 7)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let i = r.index(below: 6)
            #expect((0..<6).contains(i))
            seen.insert(i)
        }
        #expect(seen.count == 6)
    }
}
