import Testing
@testable import CompatCore

@Suite struct GPUTests {
    @Test func readsCompspecAvailabilityFlags() {
        #expect(GPU.availability(fromFlag: "yes") == true)
        #expect(GPU.availability(fromFlag: "no") == false)
        #expect(GPU.availability(fromFlag: "True") == true)
        #expect(GPU.availability(fromFlag: "maybe") == nil)
    }

    @Test func availabilityMustAgreeBetweenImageAndHost() {
        let gpuImage = GPU(available: true)
        #expect(!gpuImage.runs(on: .unavailable))
        #expect(!GPU.unavailable.runs(on: GPU(available: true, vendor: .nvidia)))
        #expect(GPU.unavailable.runs(on: .unavailable))
        #expect(gpuImage.runs(on: GPU(available: true, vendor: .nvidia)))
    }

    @Test func anImagesCUDAMustBeSupportedByTheHostDriver() {
        let cuda122 = GPU(available: true, vendor: .nvidia, cudaVersion: v("12.2"))
        #expect(cuda122.runs(on: GPU(available: true, vendor: .nvidia, cudaVersion: v("12.4"))))
        #expect(!cuda122.runs(on: GPU(available: true, vendor: .nvidia, cudaVersion: v("11.8"))))
        #expect(!cuda122.runs(on: GPU(available: true, vendor: .nvidia)))
        #expect(!cuda122.runs(on: GPU(available: true, vendor: .amd, cudaVersion: v("12.4"))))
    }

    @Test func detectsNVIDIAFromDeviceNodesAndTheDriverFile() {
        let proc = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n"
        let gpu = GPU.detectNVIDIA(deviceNames: ["null", "nvidia0", "nvidiactl", "nvidia-uvm"], procDriverVersion: proc)
        #expect(gpu == GPU(available: true, vendor: .nvidia, driverVersion: v("535.104.05")))
        #expect(GPU.detectNVIDIA(deviceNames: ["null", "tty", "nvidia-caps"], procDriverVersion: nil) == .unavailable)
        #expect(GPU.detectNVIDIA(deviceNames: ["nvidia1"], procDriverVersion: nil).available)
    }
}
