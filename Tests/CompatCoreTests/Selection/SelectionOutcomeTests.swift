import Testing
@testable import CompatCore

/// Seeded choice and no-match explanations, common to every mode.
@Suite struct SelectionOutcomeTests {
    @Test func theSameSeedChoosesTheSameImage() throws {
        let selector = try LAMMPSHosts.selector()
        for mode in SelectionMode.allCases {
            var first = SeededRandom(seed: 42, stream: "iteration-7")
            var second = SeededRandom(seed: 42, stream: "iteration-7")
            let a = selector.select(for: LAMMPSHosts.host(LAMMPSHosts.focal), mode: mode, random: &first).selection?.image.name
            let b = selector.select(for: LAMMPSHosts.host(LAMMPSHosts.focal), mode: mode, random: &second).selection?.image.name
            #expect(a != nil)
            #expect(a == b, "\(mode)")
        }
    }

    @Test func choicesAreSpreadOverEveryCandidate() throws {
        let selector = try LAMMPSHosts.selector()
        var random = SeededRandom(seed: 2024)
        var seen: [String: Int] = [:]
        for _ in 0..<400 {
            let name = try #require(selector.select(for: LAMMPSHosts.host(LAMMPSHosts.jammy), mode: .basic, random: &random).selection?.image.name)
            seen[name, default: 0] += 1
        }
        #expect(seen.count == 10)
        #expect(seen.values.allSatisfy { $0 >= 20 }, "uniform over 10 candidates: \(seen)")
    }

    @Test func aSelectionCarriesItsCandidatesAndTallies() throws {
        var random = SeededRandom(seed: 3)
        let selection = try #require(try LAMMPSHosts.selector().select(for: LAMMPSHosts.host(LAMMPSHosts.jammy), mode: .descriptiveBasic, random: &random).selection)
        #expect(selection.candidates.count == 2)
        #expect(selection.candidates.contains(selection.image))
        #expect(selection.tallies.map(\.remaining) == [10, 6, 3, 2, 2])
    }

    @Test func noMatchNamesTheConstraintThatEmptiedTheSetAndEachCount() throws {
        // The experiment's "huge limitation": a Rocky view on arm64, where only Rocky GPU images exist.
        var random = SeededRandom(seed: 0)
        let outcome = try LAMMPSHosts.selector().select(for: LAMMPSHosts.host(LAMMPSHosts.rocky8, .arm64), mode: .descriptiveBasic, random: &random)
        let explanation = try #require(outcome.explanation)
        #expect(explanation.emptiedBy == .gpuAvailability(false))
        #expect(explanation.tallies.map(\.remaining) == [8, 2, 1, 0, 0])
        #expect(explanation.tallies.map(\.admittedAlone) == [8, 6, 3, 10, 8])
        #expect(explanation.catalogSize == 18)
        #expect(explanation.description == "mode descriptive-basic: no image among 18 passes; GPU available = no emptied the set (architecture arm64 → 8, OS vendor rocky → 2, OS version 8.9 → 1, GPU available = no → 0, CPU target arm64 → 0)")
    }

    @Test func noMatchCanBeCausedByTheMPIRequirement() throws {
        var random = SeededRandom(seed: 0)
        let host = LAMMPSHosts.host(LAMMPSHosts.focal, .arm64, mpi: .implementation(.intelMPI))
        let explanation = try #require(try LAMMPSHosts.selector().select(for: host, mode: .descriptive, random: &random).explanation)
        #expect(explanation.emptiedBy == .mpi(.implementation(.intelMPI)))
        #expect(explanation.tallies.map(\.remaining) == [8, 4, 4, 4, 0])
    }
}
