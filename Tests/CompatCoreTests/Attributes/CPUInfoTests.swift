import Testing
@testable import CompatCore

@Suite struct CPUInfoTests {
    /// The first processor of the real /proc/cpuinfo of this project's build machine (a VM on AMD EPYC).
    static let epyc = """
        processor	: 0
        vendor_id	: AuthenticAMD
        cpu family	: 23
        model		: 1
        model name	: AMD EPYC
        stepping	: 2
        microcode	: 0x1000065
        cpu MHz		: 1996.249
        cache size	: 512 KB
        physical id	: 0
        siblings	: 2
        core id		: 0
        cpu cores	: 2
        apicid		: 0
        initial apicid	: 0
        fpu		: yes
        fpu_exception	: yes
        cpuid level	: 13
        wp		: yes
        flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext ssbd ibpb vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 rdseed adx smap clflushopt sha_ni xsaveopt xsavec xgetbv1 clzero xsaveerptr virt_ssbd arat
        bugs		: sysret_ss_attrs null_seg spectre_v1 spectre_v2 spec_store_bypass retbleed smt_rsb srso div0 ibpb_no_ret spectre_v2_user
        bogomips	: 3992.49
        TLB size	: 2560 4K pages
        clflush size	: 64
        cache_alignment	: 64
        address sizes	: 48 bits physical, 48 bits virtual
        power management:
        """

    /// A real AWS Graviton2 (Neoverse N1) /proc/cpuinfo, from archspec's test data
    /// (archspec/archspec-json, tests/targets/linux-amazon-graviton2).
    static let graviton2 = """
        processor       : 0
        BogoMIPS        : 243.75
        Features        : fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
        CPU implementer	: 0x41
        CPU architecture: 8
        CPU variant     : 0x3
        CPU part        : 0xd0c
        CPU revision    : 1
        """

    @Test func readsVendorModelAndPsABILevelFromX86() {
        let info = CPUInfo(parsing: Self.epyc)
        #expect(info.fields["vendor_id"] == "AuthenticAMD")
        #expect(info.x86_64Level == 3)
        #expect(info.cpu(architecture: .amd64) == CPU(vendor: "AuthenticAMD", model: "AMD EPYC", target: .x86_64Level(3)))
    }

    @Test func namesAnARMCoreFromImplementerAndPart() {
        let info = CPUInfo(parsing: Self.graviton2)
        #expect(info.implementer == 0x41)
        #expect(info.part == 0xD0C)
        #expect(info.features.contains("asimddp"))
        #expect(info.cpu(architecture: .arm64) == CPU(vendor: "ARM", model: "Neoverse-N1", target: .microarchitecture("neoverse_n1", .arm64)))
    }

    @Test func anUnknownARMPartKeepsItsCodeAndTheGenericTarget() {
        let info = CPUInfo(parsing: "processor\t: 0\nCPU implementer\t: 0xc0\nCPU part\t: 0xac9\n")
        #expect(info.cpu(architecture: .arm64) == CPU(vendor: "Ampere", model: "0xac9", target: .architecture(.arm64)))
    }

    @Test func readsOnlyTheFirstProcessor() {
        let text = "processor\t: 0\nmodel name\t: First\n\nprocessor\t: 1\nmodel name\t: Second\n"
        #expect(CPUInfo(parsing: text).fields["model name"] == "First")
        let unseparated = "processor\t: 0\nmodel name\t: First\nprocessor\t: 1\nmodel name\t: Second\n"
        #expect(CPUInfo(parsing: unseparated).fields["model name"] == "First")
    }

    @Test func psABILevelsFollowTheFeatureSets() {
        let v2 = "cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3"
        let v3 = v2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
        let v4 = v3 + " avx512f avx512bw avx512cd avx512dq avx512vl"
        #expect(CPUInfo(parsing: "flags\t: sse sse2").x86_64Level == 1)
        #expect(CPUInfo(parsing: "flags\t: \(v2)").x86_64Level == 2)
        #expect(CPUInfo(parsing: "flags\t: \(v3)").x86_64Level == 3)
        #expect(CPUInfo(parsing: "flags\t: \(v4)").x86_64Level == 4)
        #expect(CPUInfo(parsing: "flags\t: sse").cpu(architecture: .amd64).target == .architecture(.amd64))
    }

    @Test func emptyTextGivesTheArchitectureOnly() {
        #expect(CPUInfo(parsing: "").cpu(architecture: .ppc64le) == CPU(target: .architecture(.ppc64le)))
    }
}

@Suite struct CPUTargetTests {
    @Test func parsesCompspecAndArchspecSpellings() {
        #expect(CPUTarget(name: "amd64") == .architecture(.amd64))
        #expect(CPUTarget(name: "x86_64") == .architecture(.amd64))
        #expect(CPUTarget(name: "x86_64_v3") == .x86_64Level(3))
        #expect(CPUTarget(name: "x86_64_v1") == .architecture(.amd64))
        #expect(CPUTarget(name: "Zen3") == .microarchitecture("zen3", .amd64))
        #expect(CPUTarget(name: "mystery") == .microarchitecture("mystery", nil))
        #expect(CPUTarget.x86_64Level(4).name == "x86_64_v4")
    }

    @Test func hostsRunArchitectureWideAndLowerLevelTargets() {
        let host = CPUTarget.x86_64Level(3)
        #expect(host.runs(.architecture(.amd64)))
        #expect(host.runs(.x86_64Level(2)))
        #expect(!host.runs(.x86_64Level(4)))
        #expect(!host.runs(.architecture(.arm64)))
        #expect(CPUTarget.microarchitecture("neoverse_n1", .arm64).runs(.architecture(.arm64)))
        #expect(!CPUTarget.microarchitecture("neoverse_n1", .arm64).runs(.microarchitecture("neoverse_v1", .arm64)))
        #expect(!CPUTarget.architecture(.amd64).runs(.x86_64Level(2)))
    }
}
