import CompatCore
import Foundation
import Testing
@testable import CompatKube

/// A list can be consumed page by page, so callers never hold every raw item at once.
@Suite struct PagedListAgainstReplayTests {
    @Test func pagesArriveOneAtATimeInOrder_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(try ReplayHarness.realNodeObjects(), pageSize: 4, resourceVersion: "91"))
        var pageSizes: [Int] = []
        var names: [String] = []
        let version = try harness.client.list(KubePath.nodes(), pageSize: 4) { (items: [JSONValue]) throws(KubeAPIError) in
            pageSizes.append(items.count)
            names += items.compactMap { $0["metadata"]?["name"]?.stringValue }
        }
        #expect(version == "91")
        #expect(pageSizes == [4, 4, 4, 4, 4, 4, 1])
        #expect(names.count == 25)
        #expect(Set(names).count == 25)
    }

    @Test func pageHandlerErrorStopsTheList_againstReplayedAPI() throws {
        let harness = try ReplayHarness()
        defer { harness.shutDown() }
        harness.server.script.enqueueNodeLists(ReplayScript.nodeListPages(try ReplayHarness.realNodeObjects(), pageSize: 10, resourceVersion: "92"))
        var pages = 0
        let error = #expect(throws: KubeAPIError.self) {
            try harness.client.list(KubePath.nodes(), pageSize: 10) { (_: [JSONValue]) throws(KubeAPIError) in
                pages += 1
                throw KubeAPIError(kind: .malformedResponse(detail: "stop"), request: "test")
            }
        }
        #expect(error?.kind == .malformedResponse(detail: "stop"))
        #expect(pages == 1)
        #expect(harness.server.script.nodeListRequests.count == 1)
    }
}
