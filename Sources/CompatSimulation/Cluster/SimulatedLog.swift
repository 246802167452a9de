import CompatCore
import Foundation

/// Writes the log a Flux Operator MiniCluster's lead pod prints, line for line in the shape of the
/// lammps-matrix pilot logs (`shared/data/lammps-matrix/logs`): the view's setup, the CURVE
/// certificate, the `flux start … flux submit` line, broker messages, then LAMMPS's output or the
/// failure exactly as the real runs wrote it.
enum SimulatedLog {
    static func render(job: SimulatedJob, outcome: SimulatedOutcome, loopTime: Double?, wallTime: Int?, random: inout SeededRandom) -> String {
        if case .architectureMismatch = outcome {
            // The kernel refuses the container's entrypoint before anything else runs.
            return "exec /bin/bash: exec format error\n"
        }
        var lines = preamble(job: job, random: &random)
        let spack = job.view.spack
        let attributes = job.image.attributes
        switch outcome {
        case .glibcTooOld(let required, _):
            let libc = libraryPath("libc.so.6", os: attributes.operatingSystem, architecture: job.node.architecture)
            lines.append("flux: \(libc): version `GLIBC_\(required)' not found (required by flux)")
            for library in ["lib/libflux-core.so.2", "lib/libflux-optparse.so.1"] {
                lines.append("flux: \(libc): version `GLIBC_\(required)' not found (required by \(spack.fluxCorePrefix)/\(library))")
            }
            return joined(lines)
        case .glibcxxTooOld(let required, _):
            let libstdcxx = libraryPath("libstdc++.so.6", os: attributes.operatingSystem, architecture: job.node.architecture)
            lines.append("\(spack.fluxCorePrefix)/libexec/flux/cmd/flux-broker: \(libstdcxx): version `GLIBCXX_\(required)' not found (required by \(spack.libzmqPrefix)/lib/libzmq.so.5)")
            return joined(lines)
        default:
            break
        }

        lines += brokerStartup(job: job)
        let submit = "flux submit -N \(job.size) -n\(job.tasks) --quiet --watch \(command(job))"
        switch outcome {
        case .success:
            let loop = loopTime ?? 0
            lines += lammpsOutput(loopTime: loop, wallTime: wallTime ?? 0, tasks: job.tasks)
            lines.append("broker.info[0]: rc2.0: \(submit) Exited (rc=0) \(decimalText(loop + 0.95, maximumFractionDigits: 1))s")
            lines.append("broker.info[0]: rc2-success: run->cleanup \(decimalText(loop + 0.95, maximumFractionDigits: 5))s")
        case .noGPU:
            for _ in 0..<job.tasks {
                lines.append("lmp_gpu: error while loading shared libraries: libcuda.so.1: cannot open shared object file: No such file or directory")
            }
            lines.append("job-manager.err[0]: jobtap: job.inactive-add: callback returned error")
            lines.append("broker.err[0]: rc2.0: \(submit) Exited (rc=127) 1.9s")
            lines.append("broker.info[0]: rc2-fail: run->cleanup 1.87146s")
        case .intelMPIEnvironmentMissing:
            for _ in 0..<job.tasks {
                lines.append("Abort(1090959) on node 0 (rank 0 in comm 0): Fatal error in PMPI_Init: Other MPI error, error stack:")
                lines.append("MPIR_Init_thread(176)........: ")
                lines.append("MPID_Init(1525)..............: ")
                lines.append("MPIDI_OFI_mpi_init_hook(1478): ")
                lines.append("(unknown)(): Other MPI error")
            }
            lines.append("job-manager.err[0]: jobtap: job.inactive-add: callback returned error")
            lines.append("job.exception: type=exec severity=0 MPI_Abort: aborted")
            lines.append("broker.err[0]: rc2.0: \(submit) Exited (rc=143) 0.8s")
            lines.append("broker.info[0]: rc2-fail: run->cleanup 0.817245s")
        case .mpiABIMismatch(_, let imageFamily):
            // The provided MPI hides the image's own; the binary's soname is then nowhere to be found.
            let soname = imageFamily.map { $0 == .openMPI ? "libmpi.so.40" : "libmpi.so.12" } ?? "libmpi.so"
            for _ in 0..<job.tasks {
                lines.append("\(job.executable.rawValue): error while loading shared libraries: \(soname): cannot open shared object file: No such file or directory")
            }
            lines.append("job-manager.err[0]: jobtap: job.inactive-add: callback returned error")
            lines.append("broker.err[0]: rc2.0: \(submit) Exited (rc=127) 1.2s")
            lines.append("broker.info[0]: rc2-fail: run->cleanup 1.20417s")
        case .architectureMismatch, .glibcTooOld, .glibcxxTooOld:
            break  // returned above
        }
        lines += [
            "broker.info[0]: cleanup.0: flux queue stop --quiet --all --nocheckpoint Exited (rc=0) 0.1s",
            "broker.info[0]: cleanup.1: flux cancel --user=all --quiet --states RUN Exited (rc=0) 0.1s",
            "broker.info[0]: cleanup.2: flux queue idle --quiet Exited (rc=0) 0.1s",
            "broker.info[0]: cleanup-success: cleanup->shutdown 0.276049s",
            "broker.info[0]: children-complete: shutdown->finalize 44.3651ms",
            "broker.info[0]: rc3.0: \(spack.fluxCorePrefix)/etc/flux/rc3 Exited (rc=0) 0.1s",
            "broker.info[0]: rc3-success: finalize->goodbye 92.1997ms",
            "broker.info[0]: goodbye: goodbye->exit 0.02026ms",
        ]
        return joined(lines)
    }

    private static func joined(_ lines: [String]) -> String {
        lines.joined(separator: "\n") + "\n"
    }

    static func command(_ job: SimulatedJob) -> String {
        "\(job.executable.rawValue) -v x 2 -v y 2 -v z 2 -in in.reaxc.hns -nocite"
    }

    /// Where the loader finds a system library in the image: Debian-family images use the multiarch
    /// directory (`/lib/x86_64-linux-gnu`), Enterprise Linux `/lib64`.
    static func libraryPath(_ library: String, os: OperatingSystem?, architecture: Architecture) -> String {
        if let os, os.vendor.isEnterpriseLinux || os.vendor == .amzn || os.vendor == .fedora {
            return "/lib64/\(library)"
        }
        return "/lib/\(architecture.archspecFamily)-linux-gnu/\(library)"
    }

    /// `2024/02/06 01:36:53` (wait-fs) and `Feb  6 01:35` (`ls -l`), in UTC.
    static func timestamps(_ date: Date) -> (waitFS: String, listing: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { (n ?? 0) < 10 ? "0\(n ?? 0)" : "\(n ?? 0)" }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[max(0, min(11, (c.month ?? 1) - 1))]
        let day = c.day ?? 1
        let waitFS = "\(c.year ?? 1970)/\(two(c.month))/\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
        let listing = "\(month) \(day < 10 ? " " : "")\(day) \(two(c.hour)):\(two(c.minute))"
        return (waitFS, listing)
    }

    /// Z85, the alphabet of ZeroMQ CURVE keys.
    private static let z85 = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")

    private static func curveKey(_ random: inout SeededRandom) -> String {
        String((0..<40).map { _ in z85[random.index(below: z85.count)] })
    }

    private static func preamble(job: SimulatedJob, random: inout SeededRandom) -> [String] {
        let (stamp, listingDate) = timestamps(job.startedAt)
        let pythonTarget = "\(job.view.spack.pythonPrefix)/lib/libpython3.11.so.1.0"
        let gpuImage = job.executable == .lmpGPU
        let host = "\(job.name)-0"
        let path = gpuImage
            ? "/usr/local/bin:/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/mnt/flux/view/bin"
            : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/mnt/flux/view/bin"
        let flags = "-N \(job.size) -n\(job.tasks)"
        var lines = [
            "Flux install root: /mnt/flux/view",
            "🟧️  wait-fs: \(stamp) wait-fs.go:40: /mnt/flux/flux-operator-done.txt",
            "🟧️  wait-fs: \(stamp) wait-fs.go:49: Found existing path /mnt/flux/flux-operator-done.txt",
            "Python version: /mnt/flux/view/bin/python3.11",
            "Python root: /mnt/flux/view/lib/python3.11",
            "PYTHONPATH is :/mnt/flux/view/lib/python3.11/site-packages",
            "PATH is \(path)",
            "/mnt/flux/view/lib/libpython3.so",
            "/mnt/flux/view/lib/libpython3.11.so",
            "/mnt/flux/view/lib/libpython3.11.so.1.0",
            "lrwxrwxrwx 1 root root \(pythonTarget.utf8.count) \(listingDate) /mnt/flux/view/lib/libpython3.11.so.1.0 -> \(pythonTarget)",
            "Hello user root",
            "🌟️ Curve Certificate",
            "curve.cert",
            "#   ****  Generated on 2023-04-26 22:54:42 by CZMQ  ****",
            "#   ZeroMQ CURVE **Secret** Certificate",
            "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.",
            "    ",
            "metadata",
            "    name = \"flux-cert-generator\"",
            "    keygen.hostname = \"\(host)\"",
            "curve",
            "    public-key = \"\(curveKey(&random))\"",
            "    secret-key = \"\(curveKey(&random))\"",
            "👋 Hello, I'm \(host)",
            "The main host is \(host)",
        ]
        if gpuImage {
            lines += ["The working directory is /opt, contents include:", "lammps\tnvidia\tsoftware"]
        } else {
            lines += [
                "The working directory is /opt/lammps/examples/reaxff/HNS, contents include:",
                "README.txt\tffield.reax.hns  log.8Mar18.reaxc.hns.g++.1",
                "data.hns-equil\tin.reaxc.hns\t log.8Mar18.reaxc.hns.g++.4",
            ]
        }
        lines += [
            "🚩️ Flux Option Flags defined",
            "Command provided is: \(command(job))",
            "Flags for flux are \(flags)  ",
            "🌀 Submit Mode: flux start -o --config /mnt/flux/view/etc/flux/config -Scron.directory=/etc/flux/system/cron.d   -Stbon.fanout=256   -Srundir=/mnt/flux/view/run/flux    -Sstatedir=/mnt/flux/view/var/lib/flux   -Slocal-uri=local:///mnt/flux/view/run/flux/local -Stbon.connect_timeout=5s    -Slog-stderr-level=6    -Slog-stderr-mode=local  flux submit  \(flags)   --quiet --watch \(command(job))",
            "Flags for flux are \(flags)  ",
        ]
        return lines
    }

    private static func brokerStartup(job: SimulatedJob) -> [String] {
        let prefix = job.view.spack.fluxCorePrefix
        let lastRank = job.size - 1
        return [
            "broker.info[0]: start: none->join 0.2585ms",
            "broker.info[0]: parent-none: join->init 0.01596ms",
            "cron.info[0]: synchronizing cron tasks to event heartbeat.pulse",
            "job-manager.info[0]: restart: 0 jobs",
            "job-manager.info[0]: restart: 0 running jobs",
            "job-manager.info[0]: restart: checkpoint.job-manager not found",
            "broker.info[0]: rc1.0: running \(prefix)/etc/flux/rc1.d/02-cron",
            "broker.info[0]: rc1.0: \(prefix)/etc/flux/rc1 Exited (rc=0) 0.5s",
            "broker.info[0]: rc1-success: init->quorum 0.540129s",
            "broker.info[0]: online: \(job.name)-0 (ranks 0)",
            lastRank > 0 ? "broker.info[0]: online: \(job.name)-[0-\(lastRank)] (ranks 0-\(lastRank))" : nil,
            "broker.info[0]: quorum-full: quorum->run 0.255082s",
            "job-manager.err[0]: jobtap: job.new: callback returned error",
        ].compactMap { $0 }
    }

    /// LAMMPS's decomposition of the HNS box over `tasks` ranks (the experiment's 4 give `2 by 1 by 2`).
    static func processorGrid(_ tasks: Int) -> String {
        switch tasks {
        case 1: "1 by 1 by 1"
        case 2: "2 by 1 by 1"
        case 4: "2 by 1 by 2"
        case 8: "2 by 2 by 2"
        default: "\(tasks) by 1 by 1"
        }
    }

    /// LAMMPS's output for the HNS benchmark as the pilot printed it, with the loop time and everything
    /// derived from it (performance, the timing breakdown, the wall time) computed for this run.
    private static func lammpsOutput(loopTime: Double, wallTime: Int, tasks: Int) -> [String] {
        // The pilot run these breakdown numbers come from took 7.76398 s; scale them to this run.
        let scale = loopTime / 7.76398
        func scaled(_ value: Double, _ digits: Int = 5) -> String {
            String(format: "%.\(digits)g", locale: Locale(identifier: "en_US_POSIX"), value * scale)
        }
        /// A timing cell as LAMMPS writes it (`{:<10.5g}` between ` ` and ` |`).
        func cell(_ value: Double) -> String {
            let text = scaled(value)
            return " " + text + String(repeating: " ", count: max(0, 10 - text.count)) + " |"
        }
        let blank = String(repeating: " ", count: 12) + "|"
        let nanoseconds = 100 * 0.1e-6  // 100 steps of 0.1 fs
        let hours = wallTime / 3600, minutes = (wallTime % 3600) / 60, seconds = wallTime % 60
        func fixed(_ value: Double, _ digits: Int) -> String {
            String(format: "%.\(digits)f", locale: Locale(identifier: "en_US_POSIX"), value)
        }
        return [
            "LAMMPS (29 Sep 2021 - Update 2)",
            "OMP_NUM_THREADS environment is not set. Defaulting to 1 thread. (src/comm.cpp:98)",
            "  using 1 OpenMP thread(s) per MPI task",
            "Reading data file ...",
            "  triclinic box = (0.0000000 0.0000000 0.0000000) to (22.326000 11.141200 13.778966) with tilt (0.0000000 -5.0260300 0.0000000)",
            "  \(processorGrid(tasks)) MPI processor grid",
            "  reading atoms ...",
            "  304 atoms",
            "  reading velocities ...",
            "  304 velocities",
            "  read_data CPU = 0.002 seconds",
            "Replicating atoms ...",
            "  triclinic box = (0.0000000 0.0000000 0.0000000) to (44.652000 22.282400 27.557932) with tilt (0.0000000 -10.052060 0.0000000)",
            "  \(processorGrid(tasks)) MPI processor grid",
            "  bounding box image = (0 -1 -1) to (0 1 1)",
            "  bounding box extra memory = 0.03 MB",
            "  average # of replicas added to proc = 5.00 out of 8 (62.50%)",
            "  2432 atoms",
            "  replicate CPU = 0.001 seconds",
            "Neighbor list info ...",
            "  update every 20 steps, delay 0 steps, check no",
            "  max neighbors/atom: 2000, page size: 100000",
            "  master list distance cutoff = 11",
            "  ghost atom cutoff = 11",
            "  binsize = 5.5, bins = 10 5 6",
            "  2 neighbor lists, perpetual/occasional/extra = 2 0 0",
            "  (1) pair reax/c, perpetual",
            "      attributes: half, newton off, ghost",
            "      pair build: half/bin/newtoff/ghost",
            "      stencil: full/ghost/bin/3d",
            "      bin: standard",
            "  (2) fix qeq/reax, perpetual, copy from (1)",
            "      attributes: half, newton off, ghost",
            "      pair build: copy",
            "      stencil: none",
            "      bin: none",
            "Setting up Verlet run ...",
            "  Unit style    : real",
            "  Current step  : 0",
            "  Time step     : 0.1",
            "Per MPI rank memory allocation (min/avg/max) = 103.8 | 103.8 | 103.8 Mbytes",
            "Step Temp PotEng Press E_vdwl E_coul Volume ",
            "       0          300   -113.27833    437.52118   -111.57687   -1.7014647    27418.867 ",
            "      10    299.38517   -113.27631    1439.2449   -111.57492   -1.7013814    27418.867 ",
            "      20    300.27106   -113.27884    3764.3565   -111.57762   -1.7012246    27418.867 ",
            "      30    302.21063   -113.28428     7007.709   -111.58335   -1.7009363    27418.867 ",
            "      40    303.52265   -113.28799    9844.8297   -111.58747   -1.7005186    27418.867 ",
            "      50    301.87059   -113.28324    9663.0567   -111.58318   -1.7000523    27418.867 ",
            "      60    296.67806   -113.26777    7273.8146   -111.56815   -1.6996137    27418.867 ",
            "      70    292.19998   -113.25435    5533.6324   -111.55514   -1.6992157    27418.867 ",
            "      80    293.58677   -113.25831    5993.3848   -111.55946   -1.6988534    27418.867 ",
            "      90    300.62636   -113.27925    7202.8542   -111.58069   -1.6985592    27418.867 ",
            "     100    305.38275   -113.29357     10085.75   -111.59518   -1.6983875    27418.867 ",
            "Loop time of \(scaled(7.76398, 6)) on \(tasks) procs for 100 steps with 2432 atoms",
            "Performance: \(fixed(nanoseconds * 86400 / loopTime, 3)) ns/day, \(fixed(loopTime / nanoseconds / 3600, 3)) hours/ns, \(fixed(100 / loopTime, 3)) timesteps/s",
            "job-manager.err[0]: jobtap: job.inactive-add: callback returned error",
            "85.4% CPU use with \(tasks) MPI tasks x 1 OpenMP threads",
            "MPI task timing breakdown:",
            "Section |  min time  |  avg time  |  max time  |%varavg| %total",
            "---------------------------------------------------------------",
            "Pair    |" + cell(3.7255) + cell(4.2216) + cell(4.6949) + "  17.8 | 54.37",
            "Neigh   |" + cell(0.12055) + cell(0.12085) + cell(0.12101) + "   0.1 |  1.56",
            "Comm    |" + cell(0.062363) + cell(0.53577) + cell(1.0312) + "  49.9 |  6.90",
            "Output  |" + cell(0.0030052) + cell(0.0032978) + cell(0.0041496) + "   0.9 |  0.04",
            "Modify  |" + cell(2.8808) + cell(2.8815) + cell(2.8823) + "   0.0 | 37.11",
            "Other   |" + blank + cell(0.0009116) + blank + "       |  0.01",
            "Nlocal:        608.000 ave         612 max         604 min",
            "Histogram: 1 0 0 0 0 2 0 0 0 1",
            "Nghost:        5737.25 ave        5744 max        5732 min",
            "Histogram: 1 0 1 0 0 1 0 0 0 1",
            "Neighs:        231539.0 ave      233090 max      229970 min",
            "Histogram: 1 0 0 0 1 1 0 0 0 1",
            "Total # of neighbors = 926155",
            "Ave neighs/atom = 380.82031",
            "Neighbor list builds = 5",
            "Dangerous builds not checked",
            "Total wall time: \(hours):\(minutes < 10 ? "0" : "")\(minutes):\(seconds < 10 ? "0" : "")\(seconds)",
        ]
    }
}
