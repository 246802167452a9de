import Testing
@testable import CompatSimulation

@Suite struct ProgressBarTests {
    @Test func terminalRedrawsOneLineInPlace() {
        let bar = ProgressBar(total: 30, isTerminal: true, width: 10)
        #expect(bar.render(completed: 9, note: "basic: success") == "\r[###.......]  9/30  30%  basic: success\u{1B}[K")
        #expect(bar.render(completed: 30) == "\r[##########] 30/30 100%\u{1B}[K")
        #expect(bar.finish() == "\n")
    }

    @Test func pipesGetPlainLines() {
        let bar = ProgressBar(total: 25, isTerminal: false)
        #expect(bar.render(completed: 3, note: "platform: os abi issue") == "[3/25] platform: os abi issue\n")
        #expect(bar.render(completed: 4) == "[4/25]\n")
        #expect(bar.finish() == "")
    }

    @Test func outOfRangeCountsAreClamped() {
        let bar = ProgressBar(total: 4, isTerminal: true, width: 4)
        #expect(bar.render(completed: 9) == "\r[####] 4/4 100%\u{1B}[K")
        #expect(bar.render(completed: -2) == "\r[....] 0/4   0%\u{1B}[K")
        #expect(ProgressBar(total: 0, isTerminal: true, width: 2).render(completed: 0) == "\r[##] 0/0 100%\u{1B}[K")
    }

    @Test func terminalShowsTheTimeLeftAtThePaceOfThisInvocation() {
        let bar = ProgressBar(total: 30, isTerminal: true, width: 10)
        // 9 runs in 18 s: 2 s a run, 21 left → 42 s.
        #expect(bar.render(completed: 9, note: "basic: success", elapsedSeconds: 18) == "\r[###.......]  9/30  30%  ETA 42s  basic: success\u{1B}[K")
        // 6 of the 9 were resumed from an earlier session: 3 runs in 18 s, 6 s a run → 126 s.
        #expect(bar.render(completed: 9, elapsedSeconds: 18, resumedFrom: 6) == "\r[###.......]  9/30  30%  ETA 2m06s\u{1B}[K")
        #expect(bar.render(completed: 1, elapsedSeconds: 3600) == "\r[..........]  1/30   3%  ETA 29h00m\u{1B}[K")
        // Nothing run yet in this invocation: no estimate.
        #expect(bar.render(completed: 6, elapsedSeconds: 0, resumedFrom: 6) == "\r[##........]  6/30  20%\u{1B}[K")
    }
}
