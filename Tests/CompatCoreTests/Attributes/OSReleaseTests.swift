import Testing
@testable import CompatCore

@Suite struct OSReleaseTests {
    /// Debian 12's /etc/os-release, as shipped.
    static let bookworm = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        HOME_URL="https://www.debian.org/"
        """

    /// Rocky Linux 9.3's /etc/os-release (abridged) and /etc/rocky-release.
    static let rocky93 = """
        NAME="Rocky Linux"
        VERSION="9.3 (Blue Onyx)"
        ID="rocky"
        ID_LIKE="rhel centos fedora"
        VERSION_ID="9.3"
        PLATFORM_ID="platform:el9"
        PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
        """

    /// Ubuntu 22.04.3's /etc/os-release (abridged).
    static let jammy = """
        PRETTY_NAME="Ubuntu 22.04.3 LTS"
        NAME="Ubuntu"
        VERSION_ID="22.04"
        VERSION="22.04.3 LTS (Jammy Jellyfish)"
        ID=ubuntu
        ID_LIKE=debian
        """

    @Test func readsDebianWithItsPointReleaseFromDebianVersion() {
        let release = OSRelease(parsing: Self.bookworm)
        #expect(release.id == "debian")
        #expect(release.fields["VERSION_CODENAME"] == "bookworm")
        #expect(OSRelease.releaseFilePath(for: .debian) == "/etc/debian_version")
        #expect(release.operatingSystem(releaseFileText: "12.11\n") == OperatingSystem(
            vendor: .debian, version: v("12"), release: "12.11", name: "Debian GNU/Linux 12 (bookworm)"
        ))
    }

    @Test func readsRockyWithItsReleaseFile() {
        let os = OSRelease(parsing: Self.rocky93).operatingSystem(releaseFileText: "Rocky Linux release 9.3 (Blue Onyx)\n")
        #expect(os == OperatingSystem(vendor: .rocky, version: v("9.3"), release: "9.3", name: "Rocky Linux 9.3 (Blue Onyx)"))
    }

    @Test func takesUbuntusPointReleaseFromVersion() {
        let os = OSRelease(parsing: Self.jammy).operatingSystem()
        #expect(os?.release == "22.04.3")
        #expect(os?.version == v("22.04"))
        #expect(OSRelease.releaseFilePath(for: .ubuntu) == nil)
    }

    @Test func undoesShellQuotingAndSkipsComments() {
        let release = OSRelease(parsing: "# comment\nNAME='single quoted'\nPRETTY_NAME=\"say \\\"hi\\\" \\$HOME\"\nnot a line\n")
        #expect(release.fields["NAME"] == "single quoted")
        #expect(release.prettyName == "say \"hi\" $HOME")
        #expect(release.fields.count == 2)
    }

    @Test func aRollingReleaseWithoutVersionIDHasNoOperatingSystem() {
        #expect(OSRelease(parsing: "ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n").operatingSystem() == nil)
        #expect(OSRelease(parsing: "").operatingSystem() == nil)
    }
}
