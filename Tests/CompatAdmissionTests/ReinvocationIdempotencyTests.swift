import CompatAdmission
import CompatCore
import Testing

/// A second call on the webhook's own output (reinvocation, or a controller resubmitting) must allow with
/// no patch, never deny, and the patches themselves must be safe to apply twice.
@Suite struct ReinvocationIdempotencyTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        var fixture: String
        var instanceType: String?

        var testDescription: String { fixture }

        func selector() -> any AdmissionSelector {
            if let instanceType { return InstanceTypeSelector(instanceType: instanceType) }
            return ArchitectureSelector()
        }
    }

    static let scenarios = [
        Scenario(fixture: "pod-create-init-and-app-containers.json"),
        Scenario(fixture: "pod-create-existing-node-selector.json", instanceType: "hpc7g.16xlarge"),
        Scenario(fixture: "pod-create-model-without-node-selector.json", instanceType: "c7a.12xlarge"),
        Scenario(fixture: "minicluster-create-without-flux.json", instanceType: "hpc7g.16xlarge"),
        Scenario(fixture: "minicluster-create-with-flux-view.json"),
    ]

    func admit(_ request: AdmissionRequest, _ scenario: Scenario) throws -> AdmissionOutcome {
        AdmissionController().admit(request, nodes: try EKSNodes.all(), selector: scenario.selector())
    }

    @Test(arguments: scenarios)
    func readmittingTheMutatedObjectAllowsWithoutPatchOrWarning(_ scenario: Scenario) throws {
        var request = try AdmissionFixtures.request(scenario.fixture)
        let first = try AdmittedFixture(request: request, outcome: try admit(request, scenario))
        #expect(first.outcome.disposition == .mutated)
        request.uid = "reinvocation-" + request.uid
        request.object = first.patched
        let second = try admit(request, scenario)
        #expect(second.disposition == .allowedUnchanged)
        #expect(second.response.allowed)
        #expect(second.response.patch.isEmpty)
        #expect(second.response.warnings.isEmpty)
        #expect(second.response.reviewJSON["response"]?["patchType"] == nil)
    }

    @Test(arguments: scenarios)
    func applyingTheSamePatchTwiceChangesNothingMore(_ scenario: Scenario) throws {
        let request = try AdmissionFixtures.request(scenario.fixture)
        let first = try AdmittedFixture(request: request, outcome: try admit(request, scenario))
        let patched = try #require(first.patched)
        #expect(try first.response.patch.apply(to: patched) == patched)
    }

    @Test func theRecordedReinvocationIsAllowedSilentlyWithoutAskingTheSelector() throws {
        let selector = RecordingSelector(ArchitectureSelector())
        let admitted = try AdmittedFixture.admit("pod-reinvocation-already-mutated.json", nodes: try EKSNodes.all(), selector: selector)
        #expect(admitted.outcome.disposition == .allowedUnchanged)
        #expect(admitted.outcome.summary == "already selected ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-22.04-arm64")
        #expect(admitted.response.patch.isEmpty)
        #expect(admitted.response.warnings.isEmpty)
        #expect(selector.requests.isEmpty)
    }

    @Test func aReinvocationOnTheEmptyClusterStillAllows() throws {
        let admitted = try AdmittedFixture.admit("pod-reinvocation-already-mutated.json", nodes: [], selector: FailingSelector(error: RegistryUnreachable()))
        #expect(admitted.response.allowed)
    }
}
